import FlowCore
import FlowTraining
import Foundation
import Logging

/// Turns training progress (iterations, epochs, trees, binary machines) into log lines that `flow run` shows,
/// without flooding it: the first and last report, each tenth of a known total, and otherwise at most two a second.
final class TrainingProgressLog: @unchecked Sendable {
  private let logger: Logger
  private let label: String
  private let lock = NSLock()
  private var lastTime = 0.0  // guarded by lock
  private var lastTenth = -1  // guarded by lock

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
    let shouldLog: Bool = lock.withLock {
      var due = progress.iteration == 1 || now - lastTime >= 0.5
      if let total = progress.total, total > 0 {
        let tenth = progress.iteration * 10 / total
        due = due || tenth > lastTenth || progress.iteration == total
        if due { lastTenth = max(lastTenth, tenth) }
      }
      if due { lastTime = now }
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
