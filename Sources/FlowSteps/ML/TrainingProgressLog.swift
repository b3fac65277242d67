import FlowCore
import FlowTraining
import Foundation
import Logging

/// Turns training progress (iterations, epochs, trees, binary machines) into log lines that `flow run` shows,
/// without flooding it: the first and last report, each tenth of a known total, and otherwise at most two a second.
final class TrainingProgressLog: Sendable {
  private let logger: Logger
  private let label: String
  /// When the last line was logged, and the last tenth of the total logged.
  private let last = Locked((time: 0.0, tenth: -1))

  init(logger: Logger, label: String) {
    self.logger = logger
    self.label = label
  }

  /// The handler to pass to ``Trainer``; safe to call from several threads (models train on both cores).
  var handler: ProgressHandler {
    { [self] progress in report(progress) }
  }

  private func report(_ progress: TrainingProgress) {
    let now = Date().timeIntervalSince1970
    let shouldLog: Bool = last.withLock { last in
      var due = progress.iteration == 1 || now - last.time >= 0.5
      if let total = progress.total, total > 0 {
        let tenth = progress.iteration * 10 / total
        due = due || tenth > last.tenth || progress.iteration == total
        if due { last.tenth = max(last.tenth, tenth) }
      }
      if due { last.time = now }
      return due
    }
    guard shouldLog else { return }
    var line = "\(label): iteration \(progress.iteration)"
    if let total = progress.total { line += "/\(total)" }
    let metrics = progress.metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", progress.metrics[$0]!))" }
    if !metrics.isEmpty { line += " " + metrics.joined(separator: " ") }
    logger.info("\(line)")
  }
}
