import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation
import Logging

/// Runs started executions in this process, at most `workers` at once; the others wait their turn in order.
///
/// An execution waiting here is already in the store (RUNNING, its lease held by this process), so
/// DescribeExecution sees it at once. An execution that only waits for a task token's answer (an activity
/// worker) gives its place up meanwhile (``ExecutionSlot``) and takes one again, before any queued execution
/// starts, when the answer or a timeout arrives. Cancelling (``shutdown()``) interrupts the running ones; what
/// they finished is committed and they stay resumable.
final class ExecutionRunner: Sendable {
  private struct Queued: Sendable {
    var id: String
    var pipeline: Pipeline?
    /// The record and lease of an execution this process has just created (``Executor/start(_:input:name:parentId:)``
    /// took its lease), so it can run without taking the lease again.
    var created: ClaimedExecution?
  }
  private struct State: Sendable {
    var queue: [Queued] = []
    var running: [String: Task<Void, Never>] = [:]
    /// Places taken: running executions minus those waiting for an answer.
    var active = 0
    /// Per execution, how many of its scopes wait for an answer.
    var waiting: [String: Int] = [:]
    /// Executions whose wait ended, waiting for a place.
    var resuming: [CheckedContinuation<Void, Never>] = []
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

  /// Queues an execution just created by this process with its lease (epoch 1, owned here): when it starts
  /// within half a lease time it runs under that lease, saving the commit that would take it again.
  func submit(created record: ExecutionRecord, pipeline: Pipeline) {
    let created = ClaimedExecution(record: record, fence: LeaseFence(owner: executor.owner, epoch: record.leaseEpoch))
    state.withLock { $0.queue.append(Queued(id: record.id, pipeline: pipeline, created: created)) }
    startNext()
  }

  /// Starts a new execution (``Executor/prepare(_:input:name:parentId:)``) and returns once it is stored. With a
  /// worker free it runs at once, its first commit creating it (``Executor/run(new:pipeline:onCreated:)``: one
  /// commit fewer); otherwise it is created now and waits its turn.
  /// - Throws: what kept it from being stored (a ``StoreError`` with code ``StoreError/Code/constraint`` when its
  ///   name is taken).
  func start(_ new: NewExecution, pipeline: Pipeline) async throws {
    let ranAtOnce = try await withCheckedThrowingContinuation { (created: CheckedContinuation<Bool, any Error>) in
      let taken = state.withLock { state -> Bool in
        guard !state.stopped, state.active < workers, state.queue.isEmpty, state.resuming.isEmpty else { return false }
        state.active += 1
        let id = new.record.id
        state.running[id] = Task(executorPreference: BlockingThreadPool.shared) { [self] in
          let stored = Locked(false)
          await ExecutionSlots.$current.withValue(Slot(runner: self, id: id)) {
            await perform(id, stored: { stored.value }) {
              try await executor.run(new: new, pipeline: pipeline) { error in
                stored.withLock { $0 = error == nil }
                if let error { created.resume(throwing: error) } else { created.resume(returning: true) }
              }
            }
          }
          finished(id)
        }
        return true
      }
      if !taken { created.resume(returning: false) }
    }
    guard !ranAtOnce else { return }
    try await StoreThreads.run { [executor] in try executor.store.create(new.record, events: [new.started], scopes: [new.root]) }
    executor.options.observer?(new.started)
    submit(created: new.record, pipeline: pipeline)
  }

  /// Runs `body` (one execution's run), logging how it ended when it did not, unless it was never stored (its
  /// StartExecution answers that).
  private func perform(_ id: String, stored: () -> Bool = { true }, _ body: () async throws -> ExecutionRecord) async {
    do {
      _ = try await body()
    } catch let error as ExecutorError where error.code == .interrupted {
      logger.notice("execution \(id) was interrupted by the shutdown; it stays RUNNING and the next flow server resumes it")
    } catch where !stored() {
      return
    } catch {
      logger.warning("execution \(id) did not finish in this process: \(error)")
    }
  }

  /// Runs one queued execution to its end.
  private func run(_ next: Queued) async throws -> ExecutionRecord {
    if let created = next.created, created.record.owner == executor.owner,
       Date().timeIntervalSince1970 < created.record.startTime + executor.options.leaseSeconds / 2 {
      // Its lease is still ours (nobody may take a lease before it runs out); the lease keeper renews it, and a
      // commit under a lease taken over meanwhile would be refused anyway (commits are fenced).
      return try await executor.run(claimed: created, pipeline: next.pipeline)
    }
    return try await executor.run(next.id, pipeline: next.pipeline)
  }

  /// How many executions hold a place, wait for an answer, and wait their turn to start.
  var counts: (running: Int, awaiting: Int, queued: Int) {
    state.withLock { ($0.active, $0.waiting.count, $0.queue.count) }
  }

  private func startNext() {
    let resumed = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      var resumed: [CheckedContinuation<Void, Never>] = []
      while !state.stopped, state.active < workers, !state.resuming.isEmpty {
        state.active += 1
        resumed.append(state.resuming.removeFirst())
      }
      while !state.stopped, state.active < workers, !state.queue.isEmpty {
        let next = state.queue.removeFirst()
        state.active += 1
        let slot = Slot(runner: self, id: next.id)
        // On the server's own threads: an execution's commits block while the disk syncs (BlockingThreadPool).
        state.running[next.id] = Task(executorPreference: BlockingThreadPool.shared) { [self] in
          await ExecutionSlots.$current.withValue(slot) { await perform(next.id) { try await run(next) } }
          finished(next.id)
        }
      }
      return resumed
    }
    for continuation in resumed { continuation.resume() }
  }

  private func finished(_ id: String) {
    state.withLock { state in
      state.running.removeValue(forKey: id)
      // An execution ends holding its place, unless it was interrupted while waiting.
      if state.waiting.removeValue(forKey: id) == nil { state.active -= 1 }
    }
    startNext()
  }

  /// The first of an execution's scopes to wait gives its place up.
  fileprivate func release(_ id: String) {
    let freed = state.withLock { state -> Bool in
      state.waiting[id, default: 0] += 1
      guard state.waiting[id] == 1 else { return false }
      state.active -= 1
      return true
    }
    if freed { startNext() }
  }

  /// The last of an execution's waiting scopes to stop waiting takes a place again, queued before new executions.
  /// (While one scope of an execution waits, its others run without a place of their own.)
  fileprivate func reacquire(_ id: String) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let go = state.withLock { state -> Bool in
        let left = (state.waiting[id] ?? 1) - 1
        guard left == 0 else {
          state.waiting[id] = left
          return true
        }
        state.waiting.removeValue(forKey: id)
        if state.stopped || state.active < workers {
          state.active += 1
          return true
        }
        state.resuming.append(continuation)
        return false
      }
      if go { continuation.resume() }
    }
  }

  /// Stops starting executions and interrupts the running ones (they stay resumable), waiting for them to stop.
  func shutdown() async {
    let (tasks, resumed) = state.withLock { state in
      state.stopped = true
      state.queue.removeAll()
      let resumed = state.resuming
      state.active += resumed.count
      state.resuming.removeAll()
      return (Array(state.running.values), resumed)
    }
    for continuation in resumed { continuation.resume() }
    for task in tasks { task.cancel() }
    for task in tasks { await task.value }
  }

  /// The place of one execution, given to its task (``ExecutionSlots/current``).
  private struct Slot: ExecutionSlot {
    let runner: ExecutionRunner
    let id: String
    func release() { runner.release(id) }
    func reacquire() async { await runner.reacquire(id) }
  }
}
