import FlowCore
import Foundation
import PostgresNIO

/// A few connections to one server, shared by the threads that call one ``PostgresStore``.
///
/// A call takes an idle connection (opening one while fewer than `limit` are open, else waiting for one to be
/// handed back), runs, and hands it back; a connection that failed is closed instead. Each new connection is put on
/// the store's schema (`search_path`) and waits at most `lockTimeout` for a row another transaction locked
/// (like SQLite's busy timeout: past it the call fails with ``StoreError/Code/busy``).
final class PostgresConnectionPool: @unchecked Sendable {
  let url: PostgresURL
  private let limit: Int
  private let lockTimeout: Double
  // `idle`, `open` and `closed` are guarded by `condition`.
  private let condition = NSCondition()
  private var idle: [PostgresConnection] = []
  private var open = 0
  private var nextId = 0
  private var closed = false

  init(url: PostgresURL, limit: Int, lockTimeout: Double) {
    self.url = url
    self.limit = max(1, limit)
    self.lockTimeout = lockTimeout
  }

  deinit { close() }

  /// Runs `body` on a connection of its own.
  func withSession<T>(_ body: (PGSession) throws -> T) throws -> T {
    let connection = try checkOut()
    let session = PGSession(connection)
    defer { checkIn(connection, broken: session.broken || connection.isClosed) }
    return try body(session)
  }

  /// Closes every idle connection; connections in use close when they are handed back.
  func close() {
    condition.lock()
    closed = true
    let connections = idle
    idle.removeAll()
    open -= connections.count
    condition.broadcast()
    condition.unlock()
    connections.forEach(PostgresBridge.close)
  }

  private func checkOut() throws -> PostgresConnection {
    condition.lock()
    while true {
      if closed {
        condition.unlock()
        throw StoreError("store: the PostgreSQL store at \(url) is closed", code: .io)
      }
      if let connection = idle.popLast() {
        if connection.isClosed {
          open -= 1
          continue
        }
        condition.unlock()
        return connection
      }
      if open < limit { break }
      condition.wait()
    }
    open += 1
    nextId += 1
    let id = nextId
    condition.unlock()
    do {
      return try connect(id: id)
    } catch {
      condition.lock()
      open -= 1
      condition.signal()
      condition.unlock()
      throw error
    }
  }

  private func checkIn(_ connection: PostgresConnection, broken: Bool) {
    condition.lock()
    if broken || closed {
      open -= 1
      condition.signal()
      condition.unlock()
      PostgresBridge.close(connection)
      return
    }
    idle.append(connection)
    condition.signal()
    condition.unlock()
  }

  private func connect(id: Int) throws -> PostgresConnection {
    let connection: PostgresConnection
    do {
      connection = try PostgresBridge.connect(url, id: id)
    } catch let error as PSQLError {
      throw StoreError("cannot connect to the PostgreSQL store at \(url): \(Self.reason(error))", code: .io)
    } catch {
      throw StoreError("cannot connect to the PostgreSQL store at \(url): \(error)", code: .io)
    }
    let session = PGSession(connection)
    do {
      try session.run("SET search_path TO \(Self.quoted(url.schema))")
      try session.run("SET lock_timeout = \(Int(lockTimeout * 1000))")
    } catch {
      PostgresBridge.close(connection)
      throw error
    }
    return connection
  }

  /// Why a connection attempt failed, from the server's message or the network error (never the password).
  static func reason(_ error: PSQLError) -> String {
    if let info = error.serverInfo, let message = info[.message] {
      return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
    }
    if error.code == .sslUnsupported { return "the server does not offer TLS (use sslmode=prefer or disable)" }
    if let underlying = error.underlying { return "\(underlying)" }
    return "\(error.code)"
  }

  /// `name` as an SQL identifier.
  static func quoted(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
