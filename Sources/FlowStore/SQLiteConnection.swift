import CSQLite
import FlowCore
import Foundation

/// A thin wrapper over one SQLite connection with cached prepared statements.
///
/// Not thread-safe by itself: ``SQLiteStore`` serialises every use behind its lock.
final class SQLiteConnection {
  let handle: OpaquePointer
  private var statements: [String: OpaquePointer] = [:]

  /// - Parameter readOnly: a connection that only reads (``SQLiteStore``'s reader: in WAL mode it reads the last
  ///   committed state without waiting for a writer).
  init(path: String, busyTimeout: Double, readOnly: Bool = false) throws {
    var db: OpaquePointer?
    let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let db { sqlite3_close_v2(db) }
      throw StoreError("cannot open the store at \(path): \(message)")
    }
    handle = db
    // A busy database waits a while inside SQLite; writers that must wait longer (the executor's journal) retry
    // on `StoreError.Code.busy` for as long as their lease allows.
    sqlite3_busy_timeout(db, Int32(min(busyTimeout, 3600) * 1000))
  }

  deinit {
    for statement in statements.values { sqlite3_finalize(statement) }
    sqlite3_close_v2(handle)
  }

  var lastError: String { String(cString: sqlite3_errmsg(handle)) }

  /// A ``StoreError`` for the connection's last failure, coded by SQLite's result code.
  func error(_ message: String) -> StoreError {
    let extended = sqlite3_extended_errcode(handle)
    let code: StoreError.Code
    switch extended & 0xff {
    case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
    case SQLITE_CONSTRAINT: code = .constraint
    case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
    case SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM: code = .io
    default: code = .other
    }
    return StoreError(message, code: code, resultCode: extended)
  }

  func execute(_ sql: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? lastError
      sqlite3_free(message)
      throw error("store: \(text)")
    }
  }

  /// Runs `body` in a write transaction (BEGIN IMMEDIATE, so a busy store waits at the start, not midway).
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Prepares (once) and binds a statement, calls `body` with it, and resets it.
  func with<T>(_ sql: String, _ bindings: [SQLValue], _ body: (Statement) throws -> T) throws -> T {
    let statement: OpaquePointer
    if let cached = statements[sql] {
      statement = cached
    } else {
      var prepared: OpaquePointer?
      guard sqlite3_prepare_v2(handle, sql, -1, &prepared, nil) == SQLITE_OK, let prepared else {
        throw error("store: cannot prepare statement: \(lastError)")
      }
      statements[sql] = prepared
      statement = prepared
    }
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (i, value) in bindings.enumerated() {
      let index = Int32(i + 1)
      switch value {
      case .null: sqlite3_bind_null(statement, index)
      case .int(let v): sqlite3_bind_int64(statement, index, Int64(v))
      case .double(let v): sqlite3_bind_double(statement, index, v)
      case .text(let v): sqlite3_bind_text(statement, index, v, -1, SQLITE_TRANSIENT)
      }
    }
    return try body(Statement(handle: statement, connection: self))
  }

  /// Runs a statement that returns no rows; returns the number of rows changed.
  @discardableResult
  func run(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
    try with(sql, bindings) { statement in
      try statement.stepDone()
      return Int(sqlite3_changes(handle))
    }
  }

  /// Runs a query and maps every row.
  func query<T>(_ sql: String, _ bindings: [SQLValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
    try with(sql, bindings) { statement in
      var rows: [T] = []
      while try statement.step() { rows.append(try row(statement)) }
      return rows
    }
  }
}

/// A value bound to a statement parameter.
enum SQLValue {
  case null
  case int(Int)
  case double(Double)
  case text(String)

  init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
  init(_ value: Double?) { self = value.map(SQLValue.double) ?? .null }
}

/// A prepared statement positioned on a row.
struct Statement {
  let handle: OpaquePointer
  let connection: SQLiteConnection

  /// Advances to the next row; false when done.
  func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw connection.error("store: \(connection.lastError)")
    }
  }

  func stepDone() throws {
    let rc = sqlite3_step(handle)
    guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
      throw connection.error("store: \(connection.lastError)")
    }
  }

  func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
  func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
  func text(_ column: Int32) -> String {
    guard let pointer = sqlite3_column_text(handle, column) else { return "" }
    return String(cString: pointer)
  }
  func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
  func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
  /// A JSON column; text the store wrote itself, so a parse failure means corruption.
  func json(_ column: Int32) throws -> JSONValue? {
    guard !isNull(column) else { return nil }
    do { return try JSONValue(parsing: text(column)) } catch {
      throw StoreError("store: corrupt JSON in a stored row: \(error)", code: .corrupt)
    }
  }
}

/// SQLite's "copy the bytes now" destructor, which Swift cannot import as a macro.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
