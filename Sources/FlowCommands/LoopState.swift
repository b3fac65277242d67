import FlowCore

/// The state of a loop that runs executions as tasks (`flow scheduler`, `flow worker`), shared with those tasks
/// and the signal handler: whether it was asked to stop, and the task running each execution.
final class LoopState: Sendable {
  private struct Fields {
    var stop = false
    var tasks: [String: Task<Void, Never>] = [:]
  }
  private let fields = Locked(Fields())

  var stopRequested: Bool { fields.withLock { $0.stop } }
  func requestStop() { fields.withLock { $0.stop = true } }
  func isRunning(_ id: String) -> Bool { fields.withLock { $0.tasks[id] != nil } }
  func runningTasks() -> [Task<Void, Never>] { fields.withLock { Array($0.tasks.values) } }

  /// Registers the task `start` makes under `id`, unless one runs already. The lock is held while `start` runs,
  /// so a task that ends at once can't remove itself before it is added.
  func add(_ id: String, _ start: () -> Task<Void, Never>) {
    fields.withLock { fields in
      guard fields.tasks[id] == nil else { return }
      fields.tasks[id] = start()
    }
  }

  func remove(_ id: String) { fields.withLock { _ = $0.tasks.removeValue(forKey: id) } }
}
