import FlowCore
import Foundation

/// The write side of one execution: events and scope records wait here until a commit makes them durable.
///
/// Transitions with no outside effect (Pass, Choice, entering a state) only append; before any effect
/// (running a task, sleeping, finishing) the executor calls ``flush()``, which commits everything pending in one
/// transaction. Concurrent branches share the journal, so one commit often carries the progress of many
/// (group commit). A crash loses only uncommitted effect-free progress, which the resumed run redoes.
final class Journal: @unchecked Sendable {
  let executionId: String
  private let store: any ExecutionStore
  private let observer: (@Sendable (HistoryEvent) -> Void)?
  private let autoFlushEvents: Int

  // `bufferLock` guards the pending batch and the counters; `commitLock` is held across a store commit so that
  // batches reach the store in order. Nobody awaits while holding either.
  private let bufferLock = NSLock()
  private let commitLock = NSLock()
  private var pending: CommitBatch
  private var pendingScopes: [String: ScopeRecord] = [:]
  private var nextEventId: Int
  private var appended = 0
  private var committed = 0

  init(executionId: String, store: any ExecutionStore, lastEventId: Int, autoFlushEvents: Int,
       observer: (@Sendable (HistoryEvent) -> Void)?) {
    self.executionId = executionId
    self.store = store
    self.nextEventId = lastEventId + 1
    self.autoFlushEvents = autoFlushEvents
    self.observer = observer
    self.pending = CommitBatch(executionId: executionId)
  }

  /// Appends an event; returns its id.
  @discardableResult
  func event(_ type: String, after previous: Int, _ details: JSONObject = [:]) -> Int {
    let event = makeEvent(type, after: previous, details)
    publish([event], scope: nil)
    return event.id
  }

  /// Numbers a new event without publishing it: a scope keeps its events until its next position is staged,
  /// so that a commit made meanwhile by another scope never carries an event without the position it leads to.
  func makeEvent(_ type: String, after previous: Int, _ details: JSONObject = [:]) -> HistoryEvent {
    bufferLock.lock()
    let id = nextEventId
    nextEventId += 1
    bufferLock.unlock()
    let event = HistoryEvent(id: id, previousId: previous, type: type, timestamp: Date().timeIntervalSince1970,
                             details: .object(details))
    observer?(event)
    return event
  }

  /// Publishes a scope's events together with its latest record (which replaces any staged record of that scope),
  /// in one step, so that the next commit holds both or neither.
  func publish(_ events: [HistoryEvent], scope: ScopeRecord?) {
    bufferLock.lock()
    pending.events.append(contentsOf: events)
    if let scope { pendingScopes[scope.id] = scope }
    appended += 1
    bufferLock.unlock()
  }

  /// Stages the latest record of a scope (a later record of the same scope replaces it).
  func stage(_ scope: ScopeRecord) {
    publish([], scope: scope)
  }

  func stage(token: TaskTokenRecord) {
    bufferLock.lock()
    pending.tokens.append(token)
    appended += 1
    bufferLock.unlock()
  }

  /// Commits when many events are pending, so that long effect-free stretches still reach the store.
  func flushIfLarge() throws {
    bufferLock.lock()
    let large = pending.events.count >= autoFlushEvents
    bufferLock.unlock()
    if large { try flush() }
  }

  /// Makes everything appended so far durable. Returns once a commit that includes it has landed.
  func flush(finishing finish: ExecutionFinish? = nil) throws {
    bufferLock.lock()
    let target = appended
    bufferLock.unlock()
    commitLock.lock()
    defer { commitLock.unlock() }
    bufferLock.lock()
    if committed >= target && finish == nil {
      bufferLock.unlock()
      return
    }
    var batch = pending
    batch.scopes = Array(pendingScopes.values)
    batch.finish = finish
    let upTo = appended
    pending = CommitBatch(executionId: executionId)
    pendingScopes = [:]
    bufferLock.unlock()
    do {
      try store.commit(batch)
    } catch {
      // Put the batch back so a later flush retries it rather than losing it.
      bufferLock.lock()
      pending.events.insert(contentsOf: batch.events, at: 0)
      pending.tokens.insert(contentsOf: batch.tokens, at: 0)
      for scope in batch.scopes where pendingScopes[scope.id] == nil { pendingScopes[scope.id] = scope }
      bufferLock.unlock()
      throw error
    }
    bufferLock.lock()
    committed = max(committed, upTo)
    bufferLock.unlock()
  }
}
