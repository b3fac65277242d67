import FlowCore
import Foundation
import PostgresNIO

/// A value bound to a statement's `?` placeholder.
enum PGValue: Sendable {
  case text(String), int(Int), double(Double), null
  /// A `bytea` value (an artifact chunk).
  case bytes(Data)
  /// Arrays (`text[]`, `bigint[]`, `float8[]`), for multi-row inserts from `unnest`.
  case texts([String]), ints([Int]), doubles([Double])

  init(_ text: String?) { self = text.map(PGValue.text) ?? .null }
  init(_ number: Double?) { self = number.map(PGValue.double) ?? .null }
  init(_ number: Int?) { self = number.map(PGValue.int) ?? .null }
}

/// One row of a result, read by column index (the order of the `SELECT` list).
struct PGRow {
  let cells: PostgresRandomAccessRow

  func text(_ column: Int) throws -> String { try decode(String.self, column) }
  func optionalText(_ column: Int) throws -> String? { try decode(String?.self, column) }
  func int(_ column: Int) throws -> Int { try decode(Int.self, column) }
  func optionalInt(_ column: Int) throws -> Int? { try decode(Int?.self, column) }
  func double(_ column: Int) throws -> Double { try decode(Double.self, column) }
  func optionalDouble(_ column: Int) throws -> Double? { try decode(Double?.self, column) }
  func data(_ column: Int) throws -> Data { try decode(Data.self, column) }
  func bool(_ column: Int) throws -> Bool { try decode(Bool.self, column) }
  func isNull(_ column: Int) -> Bool { cells[column].bytes == nil }

  /// A JSON column; text the store wrote itself, so a parse failure means corruption.
  func json(_ column: Int) throws -> JSONValue? {
    guard let text = try optionalText(column) else { return nil }
    do { return try JSONValue(parsing: text) } catch {
      throw StoreError("store: corrupt JSON in a stored row: \(error)", code: .corrupt)
    }
  }

  private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: Int) throws -> T {
    do { return try cells[column].decode(T.self) } catch {
      throw StoreError("store: column \(column) of a stored row is not a \(T.self)", code: .corrupt)
    }
  }
}

/// One connection, leased from ``PostgresConnectionPool`` for the length of a store call.
///
/// Statements are written with `?` placeholders (as FlowStore's SQLite statements are), numbered `$1`, `$2`, …
/// here. Every failure is a ``StoreError``: unique and other constraint violations are
/// ``StoreError/Code/constraint``, a lock wait that timed out is ``StoreError/Code/busy``, an unreachable server
/// is ``StoreError/Code/io``.
final class PGSession {
  let connection: PostgresConnection
  /// Set when the connection failed (not a statement): the pool closes it instead of reusing it.
  private(set) var broken = false
  private var inTransaction = false

  init(_ connection: PostgresConnection) { self.connection = connection }

  /// Runs a statement and returns its rows.
  @discardableResult
  func query(_ sql: String, _ values: [PGValue] = []) throws -> [PGRow] {
    try execute(sql, values).rows.map { PGRow(cells: $0.makeRandomAccess()) }
  }

  /// Runs a statement and maps its rows.
  func query<T>(_ sql: String, _ values: [PGValue] = [], _ map: (PGRow) throws -> T) throws -> [T] {
    try query(sql, values).map(map)
  }

  /// Runs a statement and returns how many rows it inserted, updated or deleted.
  @discardableResult
  func run(_ sql: String, _ values: [PGValue] = []) throws -> Int {
    try execute(sql, values).metadata.rows ?? 0
  }

  /// Runs `body` in one `SERIALIZABLE` transaction, so it behaves as if no other transaction ran at the same time
  /// (what SQLite's one writer at a time gives FlowStore). When PostgreSQL aborts it for a conflict with another
  /// transaction (serialization failure or deadlock), it runs again from the start, up to 100 times.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    precondition(!inTransaction, "nested PostgreSQL transaction")
    var attempt = 0
    while true {
      attempt += 1
      do {
        try execute("BEGIN ISOLATION LEVEL SERIALIZABLE", [])
        inTransaction = true
        defer { inTransaction = false }
        do {
          let value = try body()
          try execute("COMMIT", [])
          return value
        } catch {
          if !broken { _ = try? execute("ROLLBACK", []) }
          throw error
        }
      } catch let conflict as Conflict {
        guard attempt < 100, !broken else {
          throw StoreError("store: a transaction conflicted with others \(attempt) times: \(conflict.message)", code: .busy)
        }
        // Back off a little, more each time, with jitter so two conflicting writers don't meet again.
        usleep(UInt32.random(in: 0...UInt32(min(attempt, 20) * 1_000)))
      }
    }
  }

  /// A conflict with a concurrent transaction: the transaction is retried.
  struct Conflict: Error { var message: String }

  @discardableResult
  private func execute(_ sql: String, _ values: [PGValue]) throws -> PostgresQueryResult {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values {
      switch value {
      case .text(let text): bindings.append(text)
      case .int(let number): bindings.append(number)
      case .double(let number): bindings.append(number)
      case .null: bindings.appendNull()
      case .bytes(let data): bindings.append(ByteBuffer(bytes: data))
      case .texts(let texts): bindings.append(texts)
      case .ints(let numbers): bindings.append(numbers)
      case .doubles(let numbers): bindings.append(numbers)
      }
    }
    do {
      return try PostgresBridge.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings), on: connection)
    } catch let error as PSQLError {
      throw mapped(error)
    } catch {
      broken = true
      throw StoreError("store: PostgreSQL connection failed: \(error)", code: .io)
    }
  }

  private func mapped(_ error: PSQLError) -> any Error {
    guard error.code == .server, let info = error.serverInfo else {
      broken = true
      let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
      return StoreError("store: PostgreSQL connection failed (\(reason))", code: .io)
    }
    let state = info[.sqlState] ?? ""
    let message = "PostgreSQL: \(info[.message] ?? "error") (SQLSTATE \(state))"
    switch state {
    // A conflict inside a transaction runs it again; a single statement outside one reports `busy`.
    case "40001", "40P01": return inTransaction ? Conflict(message: message) : StoreError("store: \(message)", code: .busy)
    case "55P03": return StoreError("store: \(message)", code: .busy)
    case _ where state.hasPrefix("23"): return StoreError("store: \(message)", code: .constraint)
    case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
      broken = true
      return StoreError("store: \(message)", code: .io)
    default: return StoreError("store: \(message)")
    }
  }

  /// `sql` with its `?` placeholders numbered `$1`, `$2`, … (the statements here have no `?` of their own).
  static func numbered(_ sql: String) -> String {
    guard sql.contains("?") else { return sql }
    var result = "", index = 0
    result.reserveCapacity(sql.utf8.count + 16)
    for character in sql {
      if character == "?" {
        index += 1
        result += "$\(index)"
      } else {
        result.append(character)
      }
    }
    return result
  }
}
