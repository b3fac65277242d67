import FlowCore

/// The one error type of `FlowScheduler`: a bad cron expression, a bad `Flow.Schedule` block,
/// a crontab that can't be edited safely, or a `crontab` command that failed.
///
/// Errors about a pipeline file carry a ``keyPath`` inside the `Schedule` block (`["Cron"]`) and, for
/// string values, the ``column`` of the offending character inside the string (0-based, counted in Unicode
/// scalars), so the definition parser can turn them into `file:line:column`: add ``column`` to the column
/// where the string's first character sits, then store the result in ``location``.
///
/// ```swift
/// do { _ = try CronExpression("0 24 * * *") } catch {
///   print(error.message)   // hour field: 24 is out of range (0–23)
///   print(error.column!)   // 2
/// }
/// ```
public struct ScheduleError: Error, Sendable, CustomStringConvertible {
  /// A stable identifier for the kind of problem, printed as `[invalid-cron]`.
  ///
  /// A struct rather than an enum so that adding a code doesn't break callers that switch over it.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Value: String {
      case invalidCron = "invalid-cron"
      case unknownTimeZone = "unknown-timezone"
      case missingKey = "missing-key"
      case unknownKey = "unknown-key"
      case invalidValue = "invalid-value"
      case malformedCrontab = "malformed-crontab"
      case commandFailed = "command-failed"
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The cron expression doesn't parse, or can never fire.
    public static let invalidCron = Code(.invalidCron)
    /// `Timezone` names no zone known to the system's time zone database.
    public static let unknownTimeZone = Code(.unknownTimeZone)
    /// A required key (`Cron`) is absent.
    public static let missingKey = Code(.missingKey)
    /// A key that the `Schedule` block doesn't define.
    public static let unknownKey = Code(.unknownKey)
    /// A value of the wrong type or out of range, or an argument (such as a path) that can't be used.
    public static let invalidValue = Code(.invalidValue)
    /// The crontab's managed block is damaged (a `BEGIN` marker without `END`, or two blocks).
    public static let malformedCrontab = Code(.malformedCrontab)
    /// An external command (`crontab`) couldn't be started or reported failure.
    public static let commandFailed = Code(.commandFailed)

    /// The code as printed: `invalid-cron`, `unknown-key`, …
    public var description: String { value.rawValue }
  }

  /// What kind of problem this is.
  public var code: Code
  /// A sentence saying what is wrong, naming the cron field where there is one.
  public var message: String
  /// Where the bad value sits inside the `Schedule` block, for example `["Cron"]`; empty for the block itself.
  public var keyPath: [String]
  /// 0-based offset (in Unicode scalars) of the offending character inside the string value, when known.
  public var column: Int?
  /// The position in the pipeline file, filled in by the definition parser (never by this module).
  public var location: SourceLocation?
  /// A suggestion, such as `did you mean 'Timezone'?`.
  public var hint: String?
  /// The error that caused this one, such as a failure to launch a process.
  public var underlying: (any Error & Sendable)?

  /// Creates an error.
  public init(
    _ code: Code, _ message: String, keyPath: [String] = [], column: Int? = nil,
    hint: String? = nil, underlying: (any Error & Sendable)? = nil
  ) {
    self.code = code
    self.message = message
    self.keyPath = keyPath
    self.column = column
    self.hint = hint
    self.underlying = underlying
  }

  /// The same error with `keys` put in front of its ``keyPath``, for a caller that embeds the value deeper.
  ///
  /// `CronExpression` errors have an empty key path; `Schedule(json:)` nests them under `["Cron"]`, and the
  /// definition parser can nest that under `["Flow", "Schedule"]`.
  public func nested(under keys: [String]) -> ScheduleError {
    var copy = self
    copy.keyPath = keys + keyPath
    return copy
  }

  /// `file:line:column: error: [code] Key.Path: message (hint)`, leaving out the parts that are unknown.
  public var description: String {
    var text = location.map { "\($0): error: " } ?? ""
    text += "[\(code)] "
    if !keyPath.isEmpty { text += keyPath.joined(separator: ".") + ": " }
    text += message
    if location == nil, let column { text += " (at column \(column))" }
    if let hint { text += " (\(hint))" }
    if let underlying { text += ": \(underlying)" }
    return text
  }
}
