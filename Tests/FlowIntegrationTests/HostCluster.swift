import FlowTesting
import Foundation
import Testing

/// Hosts (``NetworkHosts``) that share one PostgreSQL store, for ``MultiHostTests``.
///
/// In namespace mode the store is a throw-away server of its own (``ThrowawayPostgres``) on a host named `db`,
/// and every other host connects to it over the veth network at the `db` host's address. When namespaces or that
/// server can't be made, the hosts are on loopback and the store is `FLOW_TEST_POSTGRES_URL`'s server (which listens
/// on 127.0.0.1 only). Either way each cluster uses a fresh schema.
///
/// `@unchecked Sendable`: after `init` only `deinit` changes anything; the methods tests call from several threads
/// (`flow`, `sql`, `output`) read constants.
final class HostCluster: @unchecked Sendable {
  let hosts: NetworkHosts
  let server: ThrowawayPostgres?
  /// The server's URL without a schema (for `psql`).
  let serverURL: String
  let schema: String
  /// What `flow --store` takes: the server's URL with this cluster's schema.
  let store: String
  /// Each host's own working directory (hosts share no files but the side log the tests name).
  let directories: [String: URL]
  /// The test's own working directory, in the root namespace.
  let root: URL

  var mode: NetworkHosts.Mode { hosts.mode }

  /// Hosts named `names` (plus `db` in namespace mode) and the store they share.
  /// - Throws: when neither a server of its own nor `FLOW_TEST_POSTGRES_URL` is available.
  init(_ names: [String]) throws {
    var hosts = NetworkHosts.make(["db"] + names)
    var server: ThrowawayPostgres?
    if hosts.mode == .namespaces {
      do {
        let started = ContinuousClock.now
        server = try ThrowawayPostgres(on: hosts["db"], of: hosts)
        print("HostCluster: PostgreSQL on host db at \(server!.url), ready in \(ContinuousClock.now - started)")
      } catch {
        hosts.tearDown()
        hosts = NetworkHosts.loopback(["db"] + names, because: "no PostgreSQL server of its own: \(error)")
      }
    }
    self.hosts = hosts
    self.server = server
    if let server {
      serverURL = server.url
    } else {
      serverURL = try #require(PostgresTestURL.base, "the hosts run on loopback, which needs FLOW_TEST_POSTGRES_URL")
    }
    schema = "flowmh_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    store = serverURL + (serverURL.contains("?") ? "&" : "?") + "schema=" + schema
    root = try temporaryDirectory("flow-multihost")
    var directories: [String: URL] = [:]
    for name in names {
      let directory = root.appendingPathComponent("host-\(name)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      directories[name] = directory
    }
    self.directories = directories
  }

  deinit {
    server?.stop()
    hosts.tearDown()
  }

  subscript(name: String) -> NetworkHosts.Host { hosts[name] }

  /// Starts `flow ARGS --store STORE` on host `name`, in its directory, its output appended to `NAME.out` there.
  ///
  /// With `barrier`, the process waits (polling every 5 ms) until that file exists before it execs `flow`, so
  /// processes on several hosts can be let go at the same moment.
  func startFlow(_ arguments: [String], on name: String, environment: [String: String] = [:], barrier: URL? = nil) throws -> Process {
    let directory = directories[name]!
    let wait = barrier.map { ["/bin/sh", "-c", #"while [ ! -e "$0" ]; do sleep 0.005; done; exec "$@""#, $0.path] } ?? []
    return try hosts.start(wait + [FlowBinary.path] + arguments + ["--store", store], on: hosts[name], in: directory,
                           output: directory.appendingPathComponent("\(name).out"), environment: environment)
  }

  /// What `flow ARGS` printed on host `name` so far.
  func output(of name: String) -> String {
    (try? String(contentsOf: directories[name]!.appendingPathComponent("\(name).out"), encoding: .utf8)) ?? ""
  }

  /// Runs `flow ARGS --store STORE` in the root namespace (the test's own machine) and waits for it.
  @discardableResult
  func flow(_ arguments: [String], environment: [String: String] = [:]) throws -> FlowBinary.Result {
    try FlowBinary.run(arguments + ["--store", store], in: root, environment: environment)
  }

  /// Runs one SQL query on the store's schema with `psql` from the root namespace; returns its rows, one per
  /// line, fields separated by `|`.
  func sql(_ query: String) throws -> [String] {
    let psql = [ThrowawayPostgres.binaries.map { "\($0)/psql" }, "/usr/bin/psql"].compactMap { $0 }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
    let connection = serverURL.replacingOccurrences(of: #"schema=[^&]*&?"#, with: "", options: .regularExpression)
    let result = try ShortCommand.run(try #require(psql, "no psql"),
                                          ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", "SET search_path TO \(schema); \(query)", connection])
    try #require(result.status == 0, "psql: \(result.output)")
    return result.output.split(whereSeparator: \.isNewline).map(String.init).filter { $0 != "SET" }
  }
}
