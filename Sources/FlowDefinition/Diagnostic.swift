import FlowCore

/// One problem found in a pipeline file: an error that stops it from loading, or a warning.
///
/// ``rendered`` prints it the way compilers do, so editors and terminals can jump to it:
/// `pipelines/x.yaml:14:11: error: [unknown-state] 'Next' names 'Evalute', which is not defined (did you mean 'Evaluate'?)`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  /// How bad a problem is.
  public enum Severity: String, Hashable, Sendable, Comparable {
    case warning, error
    /// Warnings order before errors.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
  }

  /// Whether the problem stops the pipeline from loading.
  public var severity: Severity
  /// A stable identifier of the kind of problem, printed as `[unknown-state]`.
  public var code: DiagnosticCode
  /// What is wrong, naming the field and value concerned.
  public var message: String
  /// Where the problem is; `nil` when the definition did not come from a file (a stored document).
  public var location: SourceLocation?
  /// A suggestion such as `did you mean 'Evaluate'?`.
  public var hint: String?

  /// Creates a diagnostic; ``error(_:_:at:hint:)`` and ``warning(_:_:at:hint:)`` are shorter.
  public init(severity: Severity, code: DiagnosticCode, message: String, location: SourceLocation?, hint: String? = nil) {
    self.severity = severity
    self.code = code
    self.message = message
    self.location = location
    self.hint = hint
  }

  /// An error diagnostic.
  public static func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
    Diagnostic(severity: .error, code: code, message: message, location: location, hint: hint)
  }

  /// A warning diagnostic.
  public static func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
    Diagnostic(severity: .warning, code: code, message: message, location: location, hint: hint)
  }

  /// True for an error (a problem that stops loading), false for a warning.
  public var isError: Bool { severity == .error }

  /// `file:line:column: severity: [code] message (hint)`.
  public var rendered: String {
    var text = location.map { "\($0): " } ?? ""
    text += "\(severity.rawValue): [\(code)] \(message)"
    if let hint { text += " (\(hint))" }
    return text
  }

  /// The same as ``rendered``.
  public var description: String { rendered }
}

extension [Diagnostic] {
  /// True when at least one diagnostic is an error.
  public var hasErrors: Bool { contains(where: \.isError) }

  /// The diagnostics ordered by position in the file (stable for equal positions; unlocated ones last).
  func sortedByLocation() -> [Diagnostic] {
    enumerated().sorted { a, b in
      switch (a.element.location, b.element.location) {
      case let (l?, r?):
        if l.file != r.file { return l.file < r.file }
        if l.line != r.line { return l.line < r.line }
        if l.column != r.column { return l.column < r.column }
        return a.offset < b.offset
      case (nil, nil): return a.offset < b.offset
      case (nil, _?): return false
      case (_?, nil): return true
      }
    }.map(\.element)
  }
}
