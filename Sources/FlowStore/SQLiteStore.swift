import FlowCore
import Foundation

/// The durable store: one SQLite file in WAL mode.
///
/// Every ``commit(_:)`` is atomic: one transaction, or one savepoint of a transaction shared with the commits that
/// arrived meanwhile (``GroupCommit``), and returns once that transaction is committed. With the default
/// ``Durability/full`` SQLite syncs the WAL on every commit, so a committed transition survives a power loss as well
/// as a killed process; ``Durability/normal`` survives a killed process only, and commits about ten times faster.
///
/// ```swift
/// let store = try SQLiteStore(path: ".flow/flow.db")
/// ```
public final class SQLiteStore: ExecutionStore, Sendable {
  /// How hard each commit works to reach the disk.
  public enum Durability: String, Sendable {
    /// `synchronous=FULL`: each commit is on disk when it returns.
    case full
    /// `synchronous=NORMAL`: each commit survives the process dying, not the machine.
    case normal
  }

  /// The store file's path.
  public let path: String
  // SQLite handles must not be shared unsynchronised: every use of the connection holds its lock.
  private let connection: Locked<SQLiteConnection>
  /// A second, read-only connection (with its own lock) for reads that need no transaction with a write: in WAL
  /// mode it sees the last committed state at once, so DescribeExecution or a token poll does not wait behind a
  /// commit's fsync on ``connection``. Nil for an in-memory store (a second connection would be another database).
  private let reader: Locked<SQLiteConnection>?
  /// The executions' writes (creating, committing, leases) go through here: those that arrive while a
  /// transaction is written share the next one (``GroupCommit``).
  let group: GroupCommit

  /// Opens (creating if needed) the store at `path`, and brings its schema up to date.
  /// - Throws: ``StoreError`` when the file cannot be created, opened or migrated.
  /// - Parameter busyTimeout: how long one statement waits for another process's write lock before failing
  ///   with ``StoreError/Code/busy`` (the executor retries such commits for as long as its lease allows).
  public init(path: String, durability: Durability = .full, busyTimeout: Double = 5) throws {
    self.path = path
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw StoreError("cannot create the store's directory \(directory): \(FileErrorReason.reason(for: error, path: directory, writing: true))")
      }
    }
    let connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
    // Switching a new file to WAL takes a lock that SQLite's busy timeout does not wait for, so two processes
    // creating the same store at once retry here instead of failing.
    var attempt = 0
    while true {
      do {
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
        try Self.migrate(connection)
        break
      } catch let error as StoreError {
        attempt += 1
        if error.code == .busy && attempt < 300 {
          usleep(UInt32(min(attempt, 20)) * 5_000)
          continue
        }
        throw StoreError("cannot open the store at \(path): \(error.message)")
      }
    }
    self.connection = Locked(connection)
    group = GroupCommit(connection: self.connection)
    reader = path.isEmpty || path == ":memory:" || path.hasPrefix("file::memory:")
      ? nil : Locked(try SQLiteConnection(path: path, busyTimeout: busyTimeout, readOnly: true))
  }

  private static func migrate(_ connection: SQLiteConnection) throws {
    try connection.transaction {
      let version = try connection.query("PRAGMA user_version") { $0.int(0) }.first ?? 0
      guard version < Migrations.all.count else { return }
      for migration in Migrations.all[version...] { try connection.execute(migration) }
      try connection.execute("PRAGMA user_version = \(Migrations.all.count)")
    }
  }

  @discardableResult
  func locked<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try connection.withLock { connection throws in try body(connection) }
  }

  /// Runs `body` in a write transaction shared with the grouped writes queued meanwhile (``GroupCommit``);
  /// returns once that transaction is committed. A throwing `body` undoes its own changes only.
  @discardableResult
  func grouped<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try group.perform(body)
  }

  /// How many grouped writes wait for a transaction, and how many group transactions were written: for tests of
  /// group commit.
  public var groupCommitCounts: (queued: Int, groups: Int) { group.counts }

  /// Runs a read-only `body` on the reader connection (each statement sees the last committed state), or on the
  /// writer when there is no reader. For single reads only: a read whose result decides a write belongs in
  /// ``locked(_:)``, inside that write's transaction.
  @discardableResult
  func reading<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    guard let reader else { return try locked(body) }
    return try reader.withLock { connection throws in try body(connection) }
  }

  /// Holds the store's write lock while `body` runs (what a long maintenance job or another busy process does to
  /// everybody else); for tests of how writers wait.
  public func withWriteLock<T: Sendable>(_ body: () throws -> T) throws -> T {
    try locked { db in try db.transaction { try body() } }
  }

  /// Commits a transaction that writes nothing, as the benchmark's floor: the raw cost of one durable commit.
  public func commitEmptyRow(_ value: Int) throws {
    try locked { db in
      try db.transaction {
        try db.run("CREATE TABLE IF NOT EXISTS bench (v INTEGER)")
        try db.run("INSERT INTO bench (v) VALUES (?)", [.int(value)])
      }
    }
  }

  // MARK: - Writing

  public func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    try grouped { db in
      try insert(record, in: db)
      try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
    }
  }

  /// Inserts an execution's row (a scheduled run's with its slot), unless its pipeline has an execution of that
  /// name.
  func insert(_ record: ExecutionRecord, scheduledTime: Double? = nil, in db: SQLiteConnection) throws {
    let exists = try db.query("SELECT 1 FROM executions WHERE pipeline = ? AND name = ?",
                              [.text(record.pipeline), .text(record.name)]) { _ in true }
    if !exists.isEmpty {
      throw StoreError("an execution named '\(record.name)' of pipeline '\(record.pipeline)' already exists", code: .constraint)
    }
    try db.run(
      """
      INSERT INTO executions (id, name, pipeline, pipeline_path, definition, status, input, start_time,
        owner, lease_until, parent_id, lease_epoch, scheduled_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
      """,
      [.text(record.id), .text(record.name), .text(record.pipeline), .text(record.pipelinePath),
       .text(record.definition), .text(record.status.rawValue), .text(record.input.serialized()),
       .double(record.startTime), SQLValue(record.owner), SQLValue(record.leaseUntil), SQLValue(record.parentId),
       .int(record.leaseEpoch), SQLValue(scheduledTime)])
  }

  public func commit(_ batch: CommitBatch) throws {
    guard !batch.isEmpty else { return }
    try grouped { db in
      if let record = batch.create { try insert(record, in: db) }
      if let fence = batch.fence { try check(fence, executionId: batch.executionId, in: db) }
      try write(events: batch.events, scopes: batch.scopes, tokens: batch.tokens, executionId: batch.executionId, in: db)
      if let finish = batch.finish {
        try db.run(
          // The lease ends with the execution (the fence was checked above): releaseLease then writes nothing, and
          // a transaction that writes nothing costs no sync.
          "UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_time = ?, lease_until = NULL WHERE id = ?",
          [.text(finish.status.rawValue), SQLValue(finish.output?.serialized()), SQLValue(finish.error),
           SQLValue(finish.cause), .double(finish.stopTime), .text(batch.executionId)])
      }
    }
  }

  func write(events: [HistoryEvent], scopes: [ScopeRecord], tokens: [TaskTokenRecord],
                     executionId: String, in db: SQLiteConnection) throws {
    for event in events {
      try db.run(
        "INSERT INTO events (execution_id, id, previous_id, type, timestamp, details) VALUES (?,?,?,?,?,?)",
        [.text(executionId), .int(event.id), .int(event.previousId), .text(event.type.rawValue), .double(event.timestamp),
         .text(event.storedDetails.serialized())])
    }
    for scope in scopes {
      try db.run(
        "INSERT OR REPLACE INTO scopes (execution_id, id, status, position, result) VALUES (?,?,?,?,?)",
        [.text(executionId), .text(scope.id), .text(scope.status.rawValue), .text(scope.position.serialized()),
         SQLValue(scope.result?.serialized())])
    }
    for token in tokens {
      try db.run(
        "INSERT OR REPLACE INTO task_tokens (token, execution_id, state_name, status, heartbeat) VALUES (?,?,?,?,?)",
        [.text(token.token), .text(token.executionId), .text(token.stateName), .text(token.status.rawValue),
         .double(token.heartbeat)])
    }
  }

  // MARK: - Reading

  static let executionColumns = """
    id, name, pipeline, pipeline_path, definition, status, input, output, error, cause, start_time, stop_time,
    owner, lease_until, parent_id, redrive_count, stop_requested, lease_epoch
    """

  func execution(from row: Statement) throws -> ExecutionRecord {
    ExecutionRecord(
      id: row.text(0), name: row.text(1), pipeline: row.text(2), pipelinePath: row.text(3), definition: row.text(4),
      status: ExecutionStatus(rawValue: row.text(5)) ?? .failed, input: try row.json(6) ?? .null,
      output: try row.json(7), error: row.optionalText(8), cause: row.optionalText(9), startTime: row.double(10),
      stopTime: row.optionalDouble(11), owner: row.optionalText(12), leaseUntil: row.optionalDouble(13),
      parentId: row.optionalText(14), redriveCount: row.int(15), stopRequested: row.int(16) != 0, leaseEpoch: row.int(17))
  }

  public func execution(_ id: String) throws -> ExecutionRecord? {
    try reading { db in
      if let exact = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE id = ?", [.text(id)],
                                  execution(from:)).first {
        return exact
      }
      // A name of any length (the README allows names of 1 to 80 characters) is found whole …
      let named = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE name = ? LIMIT 2",
                               [.text(id)], execution(from:))
      if named.count > 1 { throw StoreError("'\(id)' names more than one execution (of different pipelines): give the id") }
      if let match = named.first { return match }
      // … while an id may be shortened to a unique prefix of at least 4 characters (`%` and `_` taken literally).
      guard id.count >= 4 else { return nil }
      let pattern = id.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
      let matches = try db.query(
        "SELECT \(Self.executionColumns) FROM executions WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2",
        [.text(pattern)], execution(from:))
      if matches.count > 1 { throw StoreError("'\(id)' matches more than one execution: give more of the id") }
      return matches.first
    }
  }

  public func executions(limit: Int) throws -> [ExecutionRecord] {
    try reading { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions ORDER BY start_time DESC LIMIT ?",
                   [.int(limit)], execution(from:))
    }
  }

  public func children(of parentId: String) throws -> [ExecutionRecord] {
    try reading { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions WHERE parent_id = ? ORDER BY start_time",
                   [.text(parentId)], execution(from:))
    }
  }

  public func scopes(of executionId: String) throws -> [ScopeRecord] {
    try reading { db in
      try db.query("SELECT id, status, position, result FROM scopes WHERE execution_id = ?", [.text(executionId)]) {
        ScopeRecord(id: $0.text(0), status: ScopeRecord.Status(rawValue: $0.text(1)) ?? .running,
                    position: try $0.json(2) ?? .null, result: try $0.json(3))
      }
    }
  }

  public func events(of executionId: String, after: Int) throws -> [HistoryEvent] {
    try readEvents("WHERE execution_id = ? AND id > ? ORDER BY id", [.text(executionId), .int(after)])
  }

  public func events(of executionId: String, following position: Int?, reverse: Bool, limit: Int) throws -> [HistoryEvent] {
    let bound = position ?? (reverse ? Int.max : 0)
    return try readEvents(reverse ? "WHERE execution_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
                                  : "WHERE execution_id = ? AND id > ? ORDER BY id LIMIT ?",
                          [.text(executionId), .int(bound), .int(max(0, limit))])
  }

  private func readEvents(_ condition: String, _ parameters: [SQLValue]) throws -> [HistoryEvent] {
    try reading { db in
      try db.query("SELECT id, previous_id, type, timestamp, details FROM events \(condition)", parameters) {
        try HistoryEvent(id: $0.int(0), previousId: $0.int(1), storedType: $0.text(2), timestamp: $0.double(3),
                         storedDetails: try $0.json(4) ?? .null)
      }
    }
  }

  public func lastEventId(of executionId: String) throws -> Int {
    try reading { db in
      try db.query("SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_id = ?", [.text(executionId)]) {
        $0.int(0)
      }.first ?? 0
    }
  }
}
