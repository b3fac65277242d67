import FlowCore
import FlowDefinition
import FlowExecutor
import Logging

/// Runs started executions in this process, at most `workers` at once; the others wait their turn in order.
///
/// An execution waiting here is already in the store (RUNNING, its lease held by this process), so
/// DescribeExecution sees it at once. Cancelling (``shutdown()``) interrupts the running ones; what they finished
/// is committed and they stay resumable.
final class ExecutionRunner: Sendable {
  private struct Queued: Sendable { var id: String; var pipeline: Pipeline? }
  private struct State: Sendable {
    var queue: [Queued] = []
    var running: [String: Task<Void, Never>] = [:]
    var stopped = false
  }

  let executor: Executor
  let workers: Int
  let logger: Logger
  private let state = Locked(State())

  init(executor: Executor, workers: Int, logger: Logger) {
    self.executor = executor
    self.workers = max(1, workers)
    self.logger = logger
  }

  /// Queues an execution; it starts now when a worker is free. Without `pipeline` it runs the definition the
  /// store kept (an execution resumed after a restart).
  func submit(_ id: String, pipeline: Pipeline?) {
    state.withLock { $0.queue.append(Queued(id: id, pipeline: pipeline)) }
    startNext()
  }

  /// How many executions run and wait.
  var counts: (running: Int, waiting: Int) { state.withLock { ($0.running.count, $0.queue.count) } }

  private func startNext() {
    state.withLock { state in
      while !state.stopped, state.running.count < workers, !state.queue.isEmpty {
        let next = state.queue.removeFirst()
        state.running[next.id] = Task { [self] in
          do {
            _ = try await executor.run(next.id, pipeline: next.pipeline)
          } catch let error as ExecutorError where error.code == .interrupted {
            logger.notice("execution \(next.id) was interrupted by the shutdown; it stays RUNNING and the next flow server resumes it")
          } catch {
            logger.warning("execution \(next.id) did not finish in this process: \(error)")
          }
          finished(next.id)
        }
      }
    }
  }

  private func finished(_ id: String) {
    _ = state.withLock { $0.running.removeValue(forKey: id) }
    startNext()
  }

  /// Stops starting executions and interrupts the running ones (they stay resumable), waiting for them to stop.
  func shutdown() async {
    let tasks = state.withLock { state in
      state.stopped = true
      state.queue.removeAll()
      return Array(state.running.values)
    }
    for task in tasks { task.cancel() }
    for task in tasks { await task.value }
  }
}
