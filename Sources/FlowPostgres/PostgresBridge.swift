import FlowCore
import Foundation
import Logging
import PostgresNIO

/// The one place where the synchronous store protocols meet PostgresNIO's asynchronous connections.
///
/// The store protocols are synchronous and are called from ordinary threads and from Swift concurrency's
/// cooperative threads (never from an event loop). PostgresNIO's connections run on an event loop group of their
/// own — one thread for every store of the process — and the calling thread blocks on the future of each request.
/// No Swift task is involved, so a blocked cooperative thread never waits for another cooperative thread (with
/// two cores there may be only two of them).
enum PostgresBridge {
  /// The event loop all PostgreSQL connections of this process run on.
  static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

  /// PostgresNIO's log goes nowhere: its messages may quote queries, and flow reports failures as ``StoreError``.
  static let logger = Logger(label: "flow.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

  /// Blocks until `future` completes.
  static func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
    try future.wait()
  }

  /// Opens a connection to `url`'s server (blocking).
  static func connect(_ url: PostgresURL, id: Int) throws -> PostgresConnection {
    var configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
      tls: try tls(url.sslMode))
    configuration.options.connectTimeout = .seconds(10)
    return try wait(PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger))
  }

  /// Runs one statement on `connection` (blocking).
  static func query(_ query: PostgresQuery, on connection: PostgresConnection) throws -> PostgresQueryResult {
    try wait(connection.query(query, logger: logger))
  }

  /// Closes `connection` without blocking; the connection is kept alive until its channel is closed (PostgresNIO
  /// requires a connection to be closed before it is released).
  static func close(_ connection: PostgresConnection) {
    connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
  }

  /// libpq's sslmodes: `prefer` and `require` encrypt without verifying the certificate, `verify-ca` checks it is
  /// trusted, `verify-full` also checks the host name.
  private static func tls(_ mode: PostgresURL.SSLMode) throws -> PostgresConnection.Configuration.TLS {
    var tls = TLSConfiguration.makeClientConfiguration()
    switch mode {
    case .disable: return .disable
    case .allow, .prefer:
      tls.certificateVerification = .none
      return .prefer(try NIOSSLContext(configuration: tls))
    case .require:
      tls.certificateVerification = .none
      return .require(try NIOSSLContext(configuration: tls))
    case .verifyCA:
      tls.certificateVerification = .noHostnameVerification
      return .require(try NIOSSLContext(configuration: tls))
    case .verifyFull:
      return .require(try NIOSSLContext(configuration: tls))
    }
  }
}
