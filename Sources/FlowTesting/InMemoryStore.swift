import FlowCore
import Foundation

/// An ``ExecutionStore`` in memory, for tests that need no disk. It keeps the same contract as the SQLite store
/// (atomic batches, unique names and event ids, fenced leases, tokens answered once); the store conformance
/// tests run both against the same checks.
public final class InMemoryStore: ExecutionStore, @unchecked Sendable {
  // Everything below is guarded by `lock`.
  private let lock = NSLock()
  private var executions: [String: ExecutionRecord] = [:]
  private var order: [String] = []
  private var events: [String: [HistoryEvent]] = [:]
  private var scopes: [String: [String: ScopeRecord]] = [:]
  private var tokens: [String: TaskTokenRecord] = [:]
  private var checkpoints: [String: [JSONValue]] = [:]
  /// Commits made so far (for tests that count them).
  public private(set) var commits = 0

  public init() {}

  public func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    try lock.withLock {
      if executions.values.contains(where: { $0.pipeline == record.pipeline && $0.name == record.name }) {
        throw StoreError("an execution named '\(record.name)' of pipeline '\(record.pipeline)' already exists", code: .constraint)
      }
      executions[record.id] = record
      order.append(record.id)
      self.events[record.id] = []
      self.scopes[record.id] = [:]
      try write(events: events, scopes: scopes, tokens: [], executionId: record.id)
    }
  }

  public func commit(_ batch: CommitBatch) throws {
    guard !batch.isEmpty else { return }
    try lock.withLock {
      guard var record = executions[batch.executionId] else { throw StoreError("no execution with id '\(batch.executionId)'", code: .notFound) }
      if let fence = batch.fence, LeaseFence(owner: record.owner ?? "", epoch: record.leaseEpoch) != fence {
        throw StoreError("execution \(batch.executionId): \(fence.owner) (epoch \(fence.epoch)) no longer holds its lease; nothing was written",
                         code: .leaseLost)
      }
      try write(events: batch.events, scopes: batch.scopes, tokens: batch.tokens, executionId: batch.executionId)
      if let finish = batch.finish {
        record.status = finish.status
        record.output = finish.output
        record.error = finish.error
        record.cause = finish.cause
        record.stopTime = finish.stopTime
        executions[batch.executionId] = record
      }
      commits += 1
    }
  }

  /// Checks every event id before changing anything, so a failing batch changes nothing.
  private func write(events new: [HistoryEvent], scopes newScopes: [ScopeRecord], tokens newTokens: [TaskTokenRecord], executionId: String) throws {
    var list = events[executionId] ?? []
    var ids = Set(list.map(\.id))
    for event in new where !ids.insert(event.id).inserted {
      throw StoreError("store: constraint failed: event \(event.id) exists", code: .constraint)
    }
    list.append(contentsOf: new)
    list.sort { $0.id < $1.id }
    events[executionId] = list
    for scope in newScopes { scopes[executionId, default: [:]][scope.id] = scope }
    for token in newTokens { tokens[token.token] = token }
  }

  public func execution(_ id: String) throws -> ExecutionRecord? {
    try lock.withLock {
      if let exact = executions[id] { return exact }
      let named = executions.values.filter { $0.name == id }
      if named.count == 1 { return named[0] }
      guard id.count >= 4 else { return nil }
      let matches = executions.values.filter { $0.id.hasPrefix(id) || $0.name == id }
      if matches.count > 1 { throw StoreError("'\(id)' matches more than one execution: give more of the id") }
      return matches.first
    }
  }

  public func executions(limit: Int) throws -> [ExecutionRecord] {
    lock.withLock {
      Array(order.reversed().compactMap { executions[$0] }.sorted { $0.startTime > $1.startTime }.prefix(limit))
    }
  }

  public func children(of parentId: String) throws -> [ExecutionRecord] {
    lock.withLock { order.compactMap { executions[$0] }.filter { $0.parentId == parentId } }
  }

  public func scopes(of executionId: String) throws -> [ScopeRecord] {
    lock.withLock { Array((scopes[executionId] ?? [:]).values) }
  }

  public func events(of executionId: String, after: Int) throws -> [HistoryEvent] {
    lock.withLock { (events[executionId] ?? []).filter { $0.id > after } }
  }

  public func lastEventId(of executionId: String) throws -> Int {
    lock.withLock { events[executionId]?.last?.id ?? 0 }
  }

  public func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) throws -> LeaseFence? {
    lock.withLock {
      guard var record = executions[executionId], record.status == .running,
        record.owner == nil || record.owner == owner || (record.leaseUntil ?? 0) < now
      else { return nil }
      record.owner = owner
      record.leaseUntil = until
      record.leaseEpoch += 1
      executions[executionId] = record
      return LeaseFence(owner: owner, epoch: record.leaseEpoch)
    }
  }

  public func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) throws -> LeaseFence? {
    lock.withLock {
      guard var record = executions[executionId], record.status == .running, record.owner == previous else { return nil }
      record.owner = owner
      record.leaseUntil = until
      record.leaseEpoch += 1
      executions[executionId] = record
      return LeaseFence(owner: owner, epoch: record.leaseEpoch)
    }
  }

  public func renewLease(_ executionId: String, fence: LeaseFence, until: Double) throws -> Bool {
    lock.withLock {
      guard var record = executions[executionId], record.owner == fence.owner, record.leaseEpoch == fence.epoch else { return false }
      record.leaseUntil = until
      executions[executionId] = record
      return true
    }
  }

  public func releaseLease(_ executionId: String, fence: LeaseFence) throws {
    lock.withLock {
      guard var record = executions[executionId], record.owner == fence.owner, record.leaseEpoch == fence.epoch else { return }
      record.leaseUntil = nil
      executions[executionId] = record
    }
  }

  public func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus {
    try lock.withLock {
      guard var record = executions[executionId] else { throw StoreError("no execution with id '\(executionId)'", code: .notFound) }
      guard record.status == .running else { return record.status }
      record.error = error
      record.cause = cause
      if let lease = record.leaseUntil, lease >= now {
        record.stopRequested = true
        executions[executionId] = record
        return .running
      }
      let last = events[executionId]?.last?.id ?? 0
      events[executionId, default: []].append(
        HistoryEvent(id: last + 1, previousId: last, type: .executionAborted, timestamp: now,
                     details: EventDetails.failure(error: error, cause: cause)))
      record.status = .aborted
      record.stopTime = now
      executions[executionId] = record
      return .aborted
    }
  }

  public func reopen(_ executionId: String, scopes reset: [ScopeRecord], events new: [HistoryEvent]) throws {
    try lock.withLock {
      guard var record = executions[executionId], record.status != .running else {
        throw StoreError("execution '\(executionId)' is not finished")
      }
      record.status = .running
      record.output = nil
      record.error = nil
      record.cause = nil
      record.stopTime = nil
      record.stopRequested = false
      record.redriveCount += 1
      executions[executionId] = record
      try write(events: new, scopes: reset, tokens: [], executionId: executionId)
    }
  }

  public func checkpoints(of executionId: String, key: String) throws -> [JSONValue] {
    lock.withLock { checkpoints["\(executionId)\u{0}\(key)"] ?? [] }
  }

  public func appendCheckpoint(_ value: JSONValue, executionId: String, key: String) throws {
    lock.withLock { checkpoints["\(executionId)\u{0}\(key)", default: []].append(value) }
  }

  public func token(_ token: String) throws -> TaskTokenRecord? {
    lock.withLock { tokens[token] }
  }

  public func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?,
                            cause: String?, now: Double) throws {
    try lock.withLock {
      guard var record = tokens[token], record.status == .pending else {
        throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound)
      }
      record.status = status
      record.output = output
      record.error = error
      record.cause = cause
      record.heartbeat = now
      tokens[token] = record
    }
  }

  public func heartbeatToken(_ token: String, now: Double) throws {
    try lock.withLock {
      guard var record = tokens[token], record.status == .pending else {
        throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound)
      }
      record.heartbeat = now
      tokens[token] = record
    }
  }
}
