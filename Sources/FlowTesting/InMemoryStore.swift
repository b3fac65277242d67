import FlowCore
import Foundation

/// An ``ExecutionStore`` in memory, for tests that need no disk. It keeps the same contract as the SQLite store
/// (atomic batches, unique names and event ids, fenced leases, tokens answered once); the store conformance
/// tests run both against the same checks.
public final class InMemoryStore: ExecutionStore, Sendable {
  private let tables = Locked(Tables())
  /// Commits made so far (for tests that count them).
  public var commits: Int { tables.withLock { $0.commits } }

  public init() {}

  public func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    try tables.withLock { try $0.create(record, events: events, scopes: scopes) }
  }
  public func commit(_ batch: CommitBatch) throws {
    guard !batch.isEmpty else { return }
    try tables.withLock { tables in
      guard let record = batch.create else { return try tables.commit(batch) }
      // Both or neither: the creation and the commit change a copy, kept only when both succeed.
      var next = tables
      try next.create(record, events: [], scopes: [])
      try next.commit(batch)
      tables = next
    }
  }
  public func execution(_ id: String) throws -> ExecutionRecord? { try tables.withLock { try $0.execution(id) } }
  public func executions(limit: Int) throws -> [ExecutionRecord] { tables.withLock { $0.executions(limit: limit) } }
  public func children(of parentId: String) throws -> [ExecutionRecord] { tables.withLock { $0.children(of: parentId) } }
  public func scopes(of executionId: String) throws -> [ScopeRecord] { tables.withLock { Array(($0.scopes[executionId] ?? [:]).values) } }
  public func events(of executionId: String, after: Int) throws -> [HistoryEvent] {
    tables.withLock { ($0.events[executionId] ?? []).filter { $0.id > after } }
  }
  public func events(of executionId: String, following position: Int?, reverse: Bool, limit: Int) throws -> [HistoryEvent] {
    let all = try events(of: executionId, after: 0)
    let following = reverse ? all.reversed().filter { $0.id < (position ?? .max) } : all.filter { $0.id > (position ?? 0) }
    return Array(following.prefix(max(0, limit)))
  }
  public func lastEventId(of executionId: String) throws -> Int { tables.withLock { $0.events[executionId]?.last?.id ?? 0 } }
  public func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) throws -> LeaseFence? {
    tables.withLock { $0.acquireLease(executionId, owner: owner, until: until, now: now) }
  }
  public func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) throws -> LeaseFence? {
    tables.withLock { $0.takeOverLease(executionId, from: previous, to: owner, until: until) }
  }
  public func renewLease(_ executionId: String, fence: LeaseFence, until: Double) throws -> Bool {
    tables.withLock { $0.renewLease(executionId, fence: fence, until: until) }
  }
  public func releaseLease(_ executionId: String, fence: LeaseFence) throws {
    tables.withLock { $0.releaseLease(executionId, fence: fence) }
  }
  public func claimExecutions(owner: String, limit: Int, until: Double, now: Double, filter: ClaimFilter) throws -> [ClaimedExecution] {
    tables.withLock { tables in
      let runnable = tables.order.compactMap { tables.executions[$0] }
        .filter { filter.admits($0) && $0.isOrphaned(now: now) }
        .sorted { $0.startTime < $1.startTime }
      return runnable.prefix(max(limit, 0)).compactMap { record in
        tables.startEpoch(record.id, owner: owner, until: until).flatMap { fence in
          tables.executions[record.id].map { ClaimedExecution(record: $0, fence: fence) }
        }
      }
    }
  }
  public func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus {
    try tables.withLock { try $0.requestStop(executionId, error: error, cause: cause, now: now) }
  }
  public func reopen(_ executionId: String, scopes reset: [ScopeRecord], events new: [HistoryEvent]) throws {
    try tables.withLock { try $0.reopen(executionId, scopes: reset, events: new) }
  }
  public func checkpoints(of executionId: String, key: String) throws -> [JSONValue] {
    tables.withLock { $0.checkpoints["\(executionId)\u{0}\(key)"] ?? [] }
  }
  public func appendCheckpoint(_ value: JSONValue, executionId: String, key: String) throws {
    tables.withLock { $0.checkpoints["\(executionId)\u{0}\(key)", default: []].append(value) }
  }
  public func token(_ token: String) throws -> TaskTokenRecord? { tables.withLock { $0.tokens[token] } }
  public func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?,
                            cause: String?, now: Double) throws {
    try tables.withLock { try $0.completeToken(token, status: status, output: output, error: error, cause: cause, now: now) }
  }
  public func heartbeatToken(_ token: String, now: Double) throws {
    try tables.withLock { try $0.heartbeatToken(token, now: now) }
  }
}

/// The store's state and the logic of each call; ``InMemoryStore`` runs every call under its lock.
private struct Tables {
  var executions: [String: ExecutionRecord] = [:]
  var order: [String] = []
  var events: [String: [HistoryEvent]] = [:]
  var scopes: [String: [String: ScopeRecord]] = [:]
  var tokens: [String: TaskTokenRecord] = [:]
  var checkpoints: [String: [JSONValue]] = [:]
  var commits = 0

  mutating func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    if executions.values.contains(where: { $0.pipeline == record.pipeline && $0.name == record.name }) {
      throw StoreError("an execution named '\(record.name)' of pipeline '\(record.pipeline)' already exists", code: .constraint)
    }
    executions[record.id] = record
    order.append(record.id)
    self.events[record.id] = []
    self.scopes[record.id] = [:]
    try write(events: events, scopes: scopes, tokens: [], executionId: record.id)
  }

  mutating func commit(_ batch: CommitBatch) throws {
    guard var record = executions[batch.executionId] else { throw StoreError("no execution with id '\(batch.executionId)'", code: .notFound) }
    if let fence = batch.fence, LeaseFence(owner: record.owner ?? "", epoch: record.leaseEpoch) != fence {
      throw StoreError("execution \(batch.executionId): \(fence.owner) (epoch \(fence.epoch)) no longer holds its lease; nothing was written",
                       code: .leaseLost)
    }
    try write(events: batch.events, scopes: batch.scopes, tokens: batch.tokens, executionId: batch.executionId)
    if let finish = batch.finish {
      executions[batch.executionId] = finish.applied(to: record)
    }
    commits += 1
  }

  /// Checks every event id before changing anything, so a failing batch changes nothing.
  private mutating func write(events new: [HistoryEvent], scopes newScopes: [ScopeRecord], tokens newTokens: [TaskTokenRecord],
                              executionId: String) throws {
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

  func execution(_ id: String) throws -> ExecutionRecord? {
    if let exact = executions[id] { return exact }
    let named = executions.values.filter { $0.name == id }
    if named.count == 1 { return named[0] }
    guard id.count >= 4 else { return nil }
    let matches = executions.values.filter { $0.id.hasPrefix(id) || $0.name == id }
    if matches.count > 1 { throw StoreError("'\(id)' matches more than one execution: give more of the id") }
    return matches.first
  }

  func executions(limit: Int) -> [ExecutionRecord] {
    Array(order.reversed().compactMap { executions[$0] }.sorted { $0.startTime > $1.startTime }.prefix(limit))
  }

  func children(of parentId: String) -> [ExecutionRecord] {
    order.compactMap { executions[$0] }.filter { $0.parentId == parentId }
  }

  mutating func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) -> LeaseFence? {
    guard let record = executions[executionId], record.status == .running,
      record.owner == nil || record.owner == owner || (record.leaseUntil ?? 0) < now
    else { return nil }
    return startEpoch(executionId, owner: owner, until: until)
  }

  mutating func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) -> LeaseFence? {
    guard let record = executions[executionId], record.status == .running, record.owner == previous else { return nil }
    return startEpoch(executionId, owner: owner, until: until)
  }

  mutating func startEpoch(_ executionId: String, owner: String, until: Double) -> LeaseFence? {
    guard var record = executions[executionId] else { return nil }
    record.owner = owner
    record.leaseUntil = until
    record.leaseEpoch += 1
    executions[executionId] = record
    return LeaseFence(owner: owner, epoch: record.leaseEpoch)
  }

  mutating func renewLease(_ executionId: String, fence: LeaseFence, until: Double) -> Bool {
    guard var record = executions[executionId], record.owner == fence.owner, record.leaseEpoch == fence.epoch else { return false }
    record.leaseUntil = until
    executions[executionId] = record
    return true
  }

  mutating func releaseLease(_ executionId: String, fence: LeaseFence) {
    guard var record = executions[executionId], record.owner == fence.owner, record.leaseEpoch == fence.epoch else { return }
    record.leaseUntil = nil
    executions[executionId] = record
  }

  mutating func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus {
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

  mutating func reopen(_ executionId: String, scopes reset: [ScopeRecord], events new: [HistoryEvent]) throws {
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

  mutating func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?,
                              cause: String?, now: Double) throws {
    var record = try pendingToken(token)
    record.status = status
    record.output = output
    record.error = error
    record.cause = cause
    record.heartbeat = now
    tokens[token] = record
  }

  mutating func heartbeatToken(_ token: String, now: Double) throws {
    var record = try pendingToken(token)
    record.heartbeat = now
    tokens[token] = record
  }

  private func pendingToken(_ token: String) throws -> TaskTokenRecord {
    guard let record = tokens[token], record.status == .pending else {
      throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound)
    }
    return record
  }
}
