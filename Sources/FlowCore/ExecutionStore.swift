/// Durable storage of executions, their history and their progress.
///
/// Contract: ``commit(_:)`` is atomic and durable when it returns; a batch either lands whole or not at all.
/// Calls may block (they do disk I/O); implementations serialise access themselves and are safe to share
/// between tasks and between processes.
public protocol ExecutionStore: Sendable {
  /// Creates an execution with its first events and its lease held by `record.owner`.
  /// - Throws: ``StoreError`` when an execution of that pipeline already has that name.
  func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws
  /// Writes a batch atomically. A batch with a ``CommitBatch/finish`` also ends the lease (`leaseUntil` becomes nil).
  func commit(_ batch: CommitBatch) throws
  /// The execution with `id`, or with a unique id prefix of at least 4 characters.
  func execution(_ id: String) throws -> ExecutionRecord?
  /// Recent executions, newest first.
  func executions(limit: Int) throws -> [ExecutionRecord]
  /// Executions started by `parentId`.
  func children(of parentId: String) throws -> [ExecutionRecord]
  /// Every scope of an execution.
  func scopes(of executionId: String) throws -> [ScopeRecord]
  /// The history of an execution in order, from event `after + 1`.
  func events(of executionId: String, after: Int) throws -> [HistoryEvent]
  /// One page of an execution's history, read in the store's query (GetExecutionHistory): up to `limit` events
  /// following event `position` in reading order: ids above it in order, or with `reverse` ids below it, newest
  /// first. A nil `position` starts at the first event (or with `reverse`, the last).
  func events(of executionId: String, following position: Int?, reverse: Bool, limit: Int) throws -> [HistoryEvent]
  /// The id of the execution's last event (0 when none).
  func lastEventId(of executionId: String) throws -> Int

  /// Takes the lease if nobody holds a live one (or `owner` already does), starting a new epoch.
  /// Returns the fence to commit under, or nil when someone else holds a live lease.
  func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) throws -> LeaseFence?
  /// Takes the lease over from `previous` (a process known to be dead), starting a new epoch; nil if someone
  /// else holds it now.
  func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) throws -> LeaseFence?
  /// Extends the lease; returns false (and changes nothing) if `fence` no longer holds it.
  func renewLease(_ executionId: String, fence: LeaseFence, until: Double) throws -> Bool
  /// Gives the lease up (nothing happens if `fence` no longer holds it).
  func releaseLease(_ executionId: String, fence: LeaseFence) throws
  /// Claims up to `limit` runnable executions for `owner` (see ``ClaimFilter`` for what is runnable), oldest first,
  /// in one transaction: each one's lease is taken until `until` under a new epoch, as ``acquireLease(_:owner:until:now:)``
  /// does. Two claimers running at once never get the same execution (PostgreSQL skips rows another claim has
  /// locked: `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time).
  /// - Returns: the claimed executions with their fences; empty when nothing is runnable.
  /// - Throws: ``StoreError`` when the store cannot be read or written.
  func claimExecutions(owner: String, limit: Int, until: Double, now: Double, filter: ClaimFilter) throws -> [ClaimedExecution]

  /// Marks a live execution for stopping, or aborts an orphaned one at once (writing `ExecutionAborted`).
  /// Returns the execution's status afterwards.
  func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus
  /// Re-opens a finished execution for `flow redrive`: status back to RUNNING, the given scopes reset.
  func reopen(_ executionId: String, scopes: [ScopeRecord], events: [HistoryEvent]) throws

  /// The checkpoints a task saved under `key` (its idempotency key), in order.
  func checkpoints(of executionId: String, key: String) throws -> [JSONValue]
  /// Durably appends a checkpoint of a task.
  func appendCheckpoint(_ value: JSONValue, executionId: String, key: String) throws

  /// A callback token.
  func token(_ token: String) throws -> TaskTokenRecord?
  /// Records `flow task success|failure|heartbeat` for a pending token.
  /// - Throws: ``StoreError`` when the token is unknown or no longer pending.
  func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?, cause: String?, now: Double) throws
  func heartbeatToken(_ token: String, now: Double) throws
}

/// The one error type of the store layer, with a ``Code`` that callers branch on (never the message).
public struct StoreError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String { case other, busy, constraint, notFound, leaseLost, corrupt, io }
    private let kind: Kind
    /// Another process holds the store's write lock (SQLite's `SQLITE_BUSY`); the caller may wait and retry.
    public static let busy = Code(kind: .busy)
    /// A uniqueness or other constraint failed.
    public static let constraint = Code(kind: .constraint)
    /// The execution, token or row does not exist.
    public static let notFound = Code(kind: .notFound)
    /// The writer no longer holds the execution's lease: the write was rejected and nothing changed.
    public static let leaseLost = Code(kind: .leaseLost)
    /// Stored data cannot be read back.
    public static let corrupt = Code(kind: .corrupt)
    /// The file cannot be created, opened or written.
    public static let io = Code(kind: .io)
    public static let other = Code(kind: .other)
    public var description: String { kind.rawValue }
  }

  public var message: String
  public var code: Code
  /// SQLite's (extended) result code, when the failure came from SQLite.
  public var resultCode: Int32?
  public init(_ message: String, code: Code = .other, resultCode: Int32? = nil) {
    self.message = message
    self.code = code
    self.resultCode = resultCode
  }
  public var description: String { message }
}
