import FlowTesting
import Foundation

/// A PostgreSQL server of its own on one of ``NetworkHosts``' hosts, listening on that host's address, for tests
/// where other hosts connect to the store over the network.
///
/// Made as `.ci/postgres-cluster.sh` makes the CI cluster: `initdb` as the `postgres` system user (the server
/// refuses to run as root) into a fresh temporary directory, trust authentication, `fsync=off`. ``stop()`` (called
/// by `deinit`) stops it at once and removes the directory.
final class ThrowawayPostgres {
  /// `postgresql://postgres@ADDRESS:PORT/postgres?sslmode=disable`.
  let url: String
  let directory: URL
  let binaries: String
  private let hosts: NetworkHosts
  private let host: NetworkHosts.Host
  /// `runuser`, whose child is the server.
  private var server: Process?
  private var stopped = false

  /// The newest PostgreSQL server's `bin` directory under `/usr/lib/postgresql` (Debian's layout).
  static var binaries: String? {
    let root = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { $0.compare($1, options: .numeric) == .orderedAscending }
    return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") }
  }

  /// Initialises and starts a server on `host` at `port`; returns when it accepts connections.
  /// - Throws: ``HostsError`` when there is no server to run, the `postgres` user is missing, or it fails to start.
  init(on host: NetworkHosts.Host, of hosts: NetworkHosts, port: Int = 5432) throws {
    guard let binaries = Self.binaries else { throw HostsError("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)") }
    guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw HostsError("no `runuser` command (util-linux)")
    }
    self.binaries = binaries
    self.hosts = hosts
    self.host = host
    directory = URL(fileURLWithPath: "/tmp/flowt-pg-\(UUID().uuidString.prefix(8).lowercased())")
    url = "postgresql://postgres@\(host.address):\(port)/postgres?sslmode=disable"
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let chown = try ShortCommand.run("/bin/chown", ["postgres:", directory.path])
    guard chown.status == 0 else { throw HostsError("chown postgres: \(chown.output)") }

    let initdb = try hosts.run([runuser, "-u", "postgres", "--", "\(binaries)/initdb", "-D", "\(directory.path)/data", "-U", "postgres",
                                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                               on: host, in: directory)
    guard initdb.status == 0 else { throw HostsError("initdb failed: \(initdb.output)") }
    // initdb trusts loopback only; the clients are on other hosts (the server listens on this host's address only).
    let hba = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory.path)/data/pg_hba.conf"))
    hba.seekToEndOfFile()
    hba.write(Data("host all all 0.0.0.0/0 trust\n".utf8))
    try hba.close()
    // The server runs in the foreground under runuser, not through `pg_ctl start`: Foundation's `Process` never
    // sees pg_ctl exit while the daemon it leaves behind holds on to what pg_ctl inherited.
    server = try hosts.start([runuser, "-u", "postgres", "--", "\(binaries)/postgres", "-D", "\(directory.path)/data",
                              "-p", "\(port)", "-k", directory.path, "-c", "listen_addresses=\(host.address)",
                              "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off",
                              "-c", "full_page_writes=off"],
                             on: host, in: directory, output: directory.appendingPathComponent("server.log"))
    let ready = ["\(binaries)/pg_isready", "-q", "-h", host.address, "-p", "\(port)", "-U", "postgres", "-d", "postgres"]
    let deadline = Date().addingTimeInterval(60)
    while try ShortCommand.run(ready[0], Array(ready.dropFirst())).status != 0 {
      guard server?.isRunning == true, Date() < deadline else {
        let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        stop()
        throw HostsError("PostgreSQL did not start on \(host.address):\(port): \(log.suffix(2000))")
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
  }

  deinit { stop() }

  /// Stops the server at once (SIGQUIT: PostgreSQL's immediate shutdown, which still frees its shared memory),
  /// then anything left on its host, and removes its files. Safe to call twice.
  func stop() {
    guard !stopped else { return }
    stopped = true
    let pidFile = (try? String(contentsOfFile: "\(directory.path)/data/postmaster.pid", encoding: .utf8)) ?? ""
    if let line = pidFile.split(separator: "\n").first, let pid = pid_t(line), pid > 1 { kill(pid, SIGQUIT) }
    let deadline = Date().addingTimeInterval(5)
    while server?.isRunning == true, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    hosts.crash(host, root: server)
    try? FileManager.default.removeItem(at: directory)
  }
}
