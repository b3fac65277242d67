import FlowCore
import Foundation

/// The durable store on a PostgreSQL server: what a team shares when one machine's SQLite file is not enough.
///
/// It keeps the same tables as FlowStore's `SQLiteStore` and behaves the same (the store conformance suite runs
/// on both). The executor's hot path is one statement per call, each one round trip: a commit locks the
/// execution's row, checks the lease against the fence and writes every row of its batch (multi-row inserts
/// from arrays) in one statement, or writes nothing when the lease was lost; a claim locks and takes runnable rows
/// with `FOR UPDATE SKIP LOCKED` in one statement; lease renewals are single updates. Every other write is one
/// `SERIALIZABLE` transaction, retried when it conflicts with another, so concurrent writers see each other as
/// SQLite's one-writer-at-a-time would have them.
///
/// ```swift
/// let store = try PostgresStore(url: "postgresql://flow@db.internal:5432/flow?sslmode=require")
/// ```
public final class PostgresStore: ExecutionStore, @unchecked Sendable {
  /// Where the store is (``PostgresURL/description`` shows it without the password).
  public let url: PostgresURL
  let pool: PostgresConnectionPool
  /// When claims last looked for executions of dead processes on this machine.
  let localDeadCheck = Locked(0.0)

  /// Connects to the server at `url`, creates the schema if needed and brings it up to date.
  /// - Parameters:
  ///   - url: `postgresql://user[:password]@host[:port]/database[?sslmode=…][&schema=…]` (see ``PostgresURL``).
  ///   - schema: The schema for flow's tables, overriding the URL's `schema` (tests give each store its own).
  ///   - maximumConnections: How many connections the store's callers share at most.
  ///   - lockTimeout: How long a statement waits for a row another transaction locked before failing with
  ///     ``StoreError/Code/busy`` (as SQLite's busy timeout).
  /// - Throws: ``StoreError`` when the URL is malformed, the server can't be reached or the schema can't be migrated;
  ///   the message shows the URL without its password.
  public convenience init(url: String, schema: String? = nil, maximumConnections: Int = 10, lockTimeout: Double = 5) throws {
    var parsed = try PostgresURL(url)
    if let schema { parsed.schema = schema }
    try self.init(url: parsed, maximumConnections: maximumConnections, lockTimeout: lockTimeout)
  }

  /// Connects to the server at `url` (see ``init(url:schema:maximumConnections:lockTimeout:)``).
  public init(url: PostgresURL, maximumConnections: Int = 10, lockTimeout: Double = 5) throws {
    self.url = url
    pool = PostgresConnectionPool(url: url, limit: maximumConnections, lockTimeout: lockTimeout)
    do {
      try pool.withSession { try PostgresMigrations.migrate($0, schema: url.schema) }
    } catch let error as StoreError {
      pool.close()
      throw StoreError(error.message.hasPrefix("cannot connect") ? error.message : "cannot open the store at \(url): \(error.message)",
                       code: error.code)
    }
  }

  /// Closes the store's connections (a store that is no longer referenced closes them too).
  public func close() { pool.close() }

  /// Drops the store's schema with everything in it: for tests that made a schema of their own.
  public func dropSchema() throws {
    try session { try $0.run("DROP SCHEMA IF EXISTS \(PostgresConnectionPool.quoted(url.schema)) CASCADE") }
  }

  @discardableResult
  func session<T>(_ body: (PGSession) throws -> T) throws -> T {
    try pool.withSession(body)
  }

  /// Runs `body` in one serializable transaction (retried on conflicts; see ``PGSession/transaction(_:)``).
  @discardableResult
  func transaction<T>(_ body: (PGSession) throws -> T) throws -> T {
    try pool.withSession { db in try db.transaction { try body(db) } }
  }

  // MARK: - Reading

  static let executionColumns = """
    id, name, pipeline, pipeline_path, definition, status, input, output, error, cause, start_time, stop_time,
    owner, lease_until, parent_id, redrive_count, stop_requested, lease_epoch
    """

  static func execution(from row: PGRow) throws -> ExecutionRecord {
    ExecutionRecord(
      id: try row.text(0), name: try row.text(1), pipeline: try row.text(2), pipelinePath: try row.text(3),
      definition: try row.text(4), status: ExecutionStatus(rawValue: try row.text(5)) ?? .failed,
      input: try row.json(6) ?? .null, output: try row.json(7), error: try row.optionalText(8),
      cause: try row.optionalText(9), startTime: try row.double(10), stopTime: try row.optionalDouble(11),
      owner: try row.optionalText(12), leaseUntil: try row.optionalDouble(13), parentId: try row.optionalText(14),
      redriveCount: try row.int(15), stopRequested: try row.int(16) != 0, leaseEpoch: try row.int(17))
  }

  public func execution(_ id: String) throws -> ExecutionRecord? {
    try session { db in
      if let exact = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE id = ?", [.text(id)]).first {
        return try Self.execution(from: exact)
      }
      // A name of any length is found whole …
      let named = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE name = ? LIMIT 2", [.text(id)])
      if named.count > 1 { throw StoreError("'\(id)' names more than one execution (of different pipelines): give the id") }
      if let match = named.first { return try Self.execution(from: match) }
      // … while an id may be shortened to a unique prefix of at least 4 characters (`%` and `_` taken literally).
      guard id.count >= 4 else { return nil }
      let pattern = id.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
        .replacingOccurrences(of: "_", with: "\\_")
      let matches = try db.query(
        "SELECT \(Self.executionColumns) FROM executions WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2", [.text(pattern)])
      if matches.count > 1 { throw StoreError("'\(id)' matches more than one execution: give more of the id") }
      return try matches.first.map(Self.execution(from:))
    }
  }

  public func executions(limit: Int) throws -> [ExecutionRecord] {
    try session { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions ORDER BY start_time DESC LIMIT ?", [.int(limit)])
        .map(Self.execution(from:))
    }
  }

  public func children(of parentId: String) throws -> [ExecutionRecord] {
    try session { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions WHERE parent_id = ? ORDER BY start_time",
                   [.text(parentId)]).map(Self.execution(from:))
    }
  }

  public func scopes(of executionId: String) throws -> [ScopeRecord] {
    try session { db in
      try db.query("SELECT id, status, position, result FROM scopes WHERE execution_id = ? ORDER BY id COLLATE \"C\"", [.text(executionId)]).map {
        ScopeRecord(id: try $0.text(0), status: ScopeRecord.Status(rawValue: try $0.text(1)) ?? .running,
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

  private func readEvents(_ condition: String, _ parameters: [PGValue]) throws -> [HistoryEvent] {
    try session { db in
      try db.query("SELECT id, previous_id, type, timestamp, details FROM events \(condition)", parameters).map {
        try HistoryEvent(id: try $0.int(0), previousId: try $0.int(1), storedType: try $0.text(2),
                         timestamp: try $0.double(3), storedDetails: try $0.json(4) ?? .null)
      }
    }
  }

  public func lastEventId(of executionId: String) throws -> Int {
    try session { db in
      try db.query("SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_id = ?", [.text(executionId)]).first?.int(0) ?? 0
    }
  }
}

extension PostgresStore: FlowStoreBackend {}
