import FlowCore
import Foundation

/// Prints an execution's progress on stderr as its history grows: one line per state entered, finished or
/// failed, coloured on a terminal, plain otherwise.
final class ProgressView: Sendable {
  let enabled: Bool
  let color: Bool

  init(enabled: Bool) {
    self.enabled = enabled
    color = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
  }

  private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

  private func line(_ text: String) {
    guard enabled else { return }
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  private func clock(_ seconds: Double) -> String {
    let stamp = Timestamp.format(seconds)
    return paint(String(stamp.dropFirst(11).prefix(12)), "2")
  }

  func started(_ record: ExecutionRecord) {
    line("\(paint("flow", "1")) execution \(record.id) of \(record.pipeline) (\(record.pipelinePath))")
  }

  /// Called for every history event (from any task of the executor).
  @Sendable func observe(_ event: HistoryEvent) {
    guard enabled else { return }
    let d = event.details
    let name = event.name ?? ""
    let t = clock(event.timestamp)
    switch event.type {
    case let type where type.isStateEntered:
      line("\(t) \(paint("▶", "36")) \(name) \(paint("(" + (type.stateType ?? "") + ")", "2"))")
    case .taskStarted where event.flow["attempt"]?.intValue ?? 1 > 1 || event.flow["afterInterruption"] != nil:
      let why = event.flow["afterInterruption"] != nil ? "after an interruption" : "retry"
      line("\(t) \(paint("↻", "33")) attempt \(event.flow["attempt"]?.intValue ?? 1) (\(why)) of \(d["resourceType"]?.stringValue ?? ""):\(d["resource"]?.stringValue ?? "")")
    case .taskFailed, .taskTimedOut:
      line("\(t) \(paint("✖", "31")) \(event.error ?? ""): \(event.cause ?? "")")
    case .mapIterationFailed:
      line("\(t) \(paint("✖", "31")) \(name) iteration \(d["index"]?.intValue ?? 0) failed")
    case let type where type.isStateExited:
      line("\(t) \(paint("✔", "32")) \(name)")
    case .executionRedriven:
      line("\(t) \(paint("⏵", "36")) redriven")
    default: break
    }
  }

  func finished(_ record: ExecutionRecord) {
    let duration = ((record.stopTime ?? record.startTime) - record.startTime)
    let took = String(format: "%.2f s", duration)
    switch record.status {
    case .succeeded: line(paint("SUCCEEDED", "32;1") + " in \(took)")
    default:
      let reason = [record.error, record.cause].compactMap { $0 }.joined(separator: " ")
      line(paint(record.status.rawValue, "31;1") + " in \(took)" + (reason.isEmpty ? " (no error or cause)" : ": \(reason)"))
    }
  }
}

/// Formats timestamps for people.
enum Timestamp {
  static func format(_ seconds: Double) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
  }
}
