import FlowCore
import FlowScheduler
import Foundation

/// `Flow.Schedule` reads as a ``FlowScheduler/Schedule``: a valid cron expression, a known time zone, known keys
/// and values of the right types. Every problem is reported, each at the key or value concerned; a bad cron
/// expression points at the offending character inside the string (`Cron: "0 24 * * *"` → the column of `24`).
struct ScheduleValidator: Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    guard let schedule = document.schedule, let flow = document.root["Flow"], let block = flow["Schedule"] else { return }
    var source = SourceLines(path: document.path)
    for problem in Schedule.problems(in: schedule) {
      let location: SourceLocation?
      if problem.keyPath.isEmpty {
        location = flow.keyLocation("Schedule")
      } else if problem.code == .unknownKey, problem.keyPath.count == 1 {
        location = block.keyLocation(problem.keyPath[0])
      } else if let node = block.descendant(problem.keyPath.map { .key($0) }) {
        location = problem.column.flatMap { source.location(inside: node, offset: $0) } ?? node.location
      } else {
        location = block.location
      }
      diagnostics.append(.error(Self.code(for: problem.code), Self.message(for: problem), at: location, hint: problem.hint))
    }
  }

  /// The definition's code for a scheduler problem (``DiagnosticCode`` has no schedule-specific codes).
  static func code(for code: ScheduleError.Code) -> DiagnosticCode {
    switch code {
    case .missingKey: .missingField
    case .unknownKey: .unknownField
    default: .invalidValue
    }
  }

  /// Cron messages name the field inside the expression ("hour field: …"); saying which key they are about
  /// keeps them readable in a `flow validate` listing.
  static func message(for problem: ScheduleError) -> String {
    switch problem.code {
    case .invalidCron: "invalid 'Cron' expression: \(problem.message)"
    case .unknownTimeZone: "'Timezone': \(problem.message)"
    default: problem.message
    }
  }
}

/// The pipeline file's lines, read only when a problem needs a position inside a string.
///
/// A ``LocatedNode`` string knows where its scalar starts but not whether it was quoted, so the column of a
/// character inside it is found by looking at the text: after an opening quote, or at the start of a plain
/// scalar. The text must spell the string's beginning there; otherwise (a block scalar, escapes before the
/// offset, a definition that did not come from this file) the string's own position is used.
private struct SourceLines {
  let path: String
  private var lines: [[Unicode.Scalar]]??

  init(path: String) { self.path = path }

  mutating func location(inside node: LocatedNode, offset: Int) -> SourceLocation? {
    guard let string = node.string, let start = node.location else { return nil }
    if lines == nil {
      lines = .some((try? String(contentsOfFile: path, encoding: .utf8)).map { text in
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
      })
    }
    guard let lines = lines ?? nil, lines.indices.contains(start.line - 1) else { return nil }
    let line = lines[start.line - 1]
    var index = start.column - 1
    guard line.indices.contains(index) else { return nil }
    if line[index] == "\"" || line[index] == "'" { index += 1 }
    let prefix = Array(string.unicodeScalars.prefix(offset))
    guard index + prefix.count <= line.count, Array(line[index..<(index + prefix.count)]) == prefix else { return nil }
    return SourceLocation(file: start.file, line: start.line, column: index + 1 + offset)
  }
}
