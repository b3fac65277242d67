import FlowCore
import Foundation
import Synchronization

/// The write side of one execution: transitions are numbered and queued here, and commits make them durable.
///
/// ``transact(_:)`` runs one scope's transition and queues its events with the scope's new record in one critical
/// section, so event ids are handed out in the order events are queued: a commit always takes a prefix of the
/// queue, and a committed history has no holes and never refers to an event that is not committed with it or
/// before it. Commits are fenced: each carries the lease this process holds, and the store rejects it when
/// another process has taken the lease over.
///
/// Concurrent scopes share the journal, so one commit often carries the progress of many (group commit); a scope
/// that needs its progress durable calls ``commit()`` and returns as soon as a commit that includes it landed,
/// never waiting for a sibling's next transition.
final class Journal: Sendable {
  let executionId: String
  private let store: any ExecutionStore
  private let fence: LeaseFence
  private let observer: (@Sendable (HistoryEvent) -> Void)?
  private let autoFlushEvents: Int
  /// Until when the store may keep us waiting on its write lock (the lease's end, minus a margin).
  private let busyDeadline: @Sendable () -> Double
  /// Called with nil once the commit that creates the execution landed, or with the error of that commit (a
  /// journal that creates its execution).
  private let onCreated: (@Sendable ((any Error)?) -> Void)?

  /// What is queued and not yet committed, and how far commits got.
  private struct Queue {
    var pending: CommitBatch
    var scopes: [String: ScopeRecord] = [:]
    /// Transitions queued, and the number of them a landed commit included.
    var queued = 0, committed = 0
  }
  private let queue: Locked<Queue>
  /// The next event id; handed out only inside ``transact(_:)``'s critical section, so ids follow queue order.
  private let nextEventId: Atomic<Int>
  /// Held across a store commit so that batches reach the store in order. Nobody awaits while holding a lock.
  private let commitOrder = Locked(())

  /// - Parameter creating: an execution not yet stored: the first commit creates it, with its `ExecutionStarted`
  ///   event and root scope, and tells `onCreated` how that went.
  init(executionId: String, store: any ExecutionStore, fence: LeaseFence, lastEventId: Int, autoFlushEvents: Int,
       observer: (@Sendable (HistoryEvent) -> Void)?, busyDeadline: @escaping @Sendable () -> Double,
       creating: NewExecution? = nil, onCreated: (@Sendable ((any Error)?) -> Void)? = nil) {
    self.executionId = executionId
    self.store = store
    self.fence = fence
    self.autoFlushEvents = autoFlushEvents
    self.observer = observer
    self.busyDeadline = busyDeadline
    self.onCreated = onCreated
    var queue = Queue(pending: CommitBatch(executionId: executionId))
    if let creating {
      queue.pending.create = creating.record
      queue.pending.events = [creating.started]
      queue.scopes[creating.root.id] = creating.root
      queue.queued = 1
    }
    self.queue = Locked(queue)
    nextEventId = Atomic(lastEventId + 1)
  }

  /// True until the commit that creates the execution has landed (for a journal that creates it).
  var creates: Bool { queue.withLock { $0.pending.create != nil } }

  /// The id of the last event handed out.
  var lastEventId: Int { queue.withLock { _ in nextEventId.load(ordering: .relaxed) - 1 } }

  /// Runs one transition (`body` gets the event numbering) and queues what it returns — its events, its scope's
  /// record and any new token — in one step.
  func transact<T: Sendable>(
    _ body: (_ nextEventId: @escaping @Sendable () -> Int) -> (result: T, events: [HistoryEvent], scope: ScopeRecord?, token: TaskTokenRecord?)
  ) -> T {
    let (transition, large) = queue.withLock { queue in
      let transition = body { [self] in nextEventId.wrappingAdd(1, ordering: .relaxed).oldValue }
      queue.pending.events.append(contentsOf: transition.events)
      if let scope = transition.scope { queue.scopes[scope.id] = scope }
      if let token = transition.token { queue.pending.tokens.append(token) }
      queue.queued += 1
      return (transition, queue.pending.events.count >= autoFlushEvents)
    }
    if let observer { transition.events.forEach(observer) }
    if large { try? commit() }
    return transition.result
  }

  /// Makes everything queued so far durable. Returns once a commit that includes it has landed.
  /// - Throws: ``StoreError`` with ``StoreError/Code/leaseLost`` when another process took the lease over (nothing
  ///   is written), or the store's error when it stayed busy longer than the lease allows.
  func commit(finishing finish: ExecutionFinish? = nil) throws {
    let target = queue.withLock { $0.queued }
    try commitOrder.withLock { _ throws in
      let taken = queue.withLock { queue -> (batch: CommitBatch, upTo: Int)? in
        if queue.committed >= target && finish == nil { return nil }
        var batch = queue.pending
        batch.scopes = Array(queue.scopes.values)
        batch.finish = finish
        batch.fence = fence
        queue.pending = CommitBatch(executionId: executionId)
        queue.scopes = [:]
        return (batch, queue.queued)
      }
      guard let (batch, upTo) = taken else { return }
      do {
        try commitWaitingOutBusy(batch)
      } catch {
        if batch.create != nil { onCreated?(error) }
        // Put the batch back so that a later commit retries it rather than losing it.
        queue.withLock { queue in
          if let create = batch.create { queue.pending.create = create }
          queue.pending.events.insert(contentsOf: batch.events, at: 0)
          queue.pending.tokens.insert(contentsOf: batch.tokens, at: 0)
          for scope in batch.scopes where queue.scopes[scope.id] == nil { queue.scopes[scope.id] = scope }
        }
        throw error
      }
      queue.withLock { $0.committed = max($0.committed, upTo) }
      if batch.create != nil { onCreated?(nil) }
    }
  }

  /// ``commit(finishing:)`` on one of the ``StoreThreads``: the wait for the store holds none of Swift's
  /// cooperative threads, which go on running other executions meanwhile.
  func committed(finishing finish: ExecutionFinish? = nil) async throws {
    try await StoreThreads.run { [self] in try commit(finishing: finish) }
  }

  /// Commits, retrying with back-off while another process holds the store's write lock and the lease allows.
  private func commitWaitingOutBusy(_ batch: CommitBatch) throws {
    do {
      try waitingOutBusy(until: busyDeadline) { try store.commit(batch) }
    } catch let error as StoreError where error.code == .busy {
      throw StoreError(
        "execution \(executionId): the store stayed locked by another process until this execution's lease ran out "
          + "(\(error.message)); nothing was lost: resume it with `flow resume \(executionId)`", code: .busy)
    }
  }
}

/// Runs a store write, retrying it with back-off (10 ms doubling to 0.5 s) while the store answers
/// ``StoreError/Code/busy`` and the time is before `deadline()`; then rethrows the busy error.
func waitingOutBusy<T>(until deadline: () -> Double, _ write: () throws -> T) throws -> T {
  var delay = 0.01
  while true {
    do {
      return try write()
    } catch let error as StoreError where error.code == .busy {
      guard Date().timeIntervalSince1970 + delay < deadline() else { throw error }
      Thread.sleep(forTimeInterval: delay)
      delay = min(delay * 2, 0.5)
    }
  }
}
