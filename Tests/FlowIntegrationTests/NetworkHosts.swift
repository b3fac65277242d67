import FlowTesting
import Foundation

/// Several "hosts" on one machine, for tests of `flow` processes that share a store over the network.
///
/// Each host is a network namespace (`ip netns add flowt-TAG-NAME`) with loopback up and one veth whose other end
/// is on a bridge in a "switch" namespace; the root namespace (where the test runs) is on the same bridge, so every
/// host reaches every other host and the test reaches them all over `10.213.R.0/24` (`R` random, picked so that no
/// route of the machine uses it). The bridge lives in its own namespace because a fresh namespace has no firewall
/// rules: the root namespace's (Docker's `FORWARD DROP`, `br_netfilter`) don't apply to it.
///
/// A process started on a host also gets its own UTS namespace with the host's name as its hostname
/// (`unshare --uts`), so `flow` sees a different machine: lease owners (`HOST:PID:NAME`) name that host, and
/// another host can't take a dead owner's lease over by checking the PID (the namespaces share the PID space)
/// but has to wait for the lease to run out, as on real machines.
///
/// Creating namespaces needs root (CAP_NET_ADMIN) and iproute2's `ip`. When that fails, ``make(_:)`` returns
/// hosts on loopback (``mode`` says which, ``fallbackReason`` why): every host is `127.0.0.1` in the root
/// namespace, and the tests run the same way. `FLOW_TEST_HOSTS=loopback` asks for loopback (to try that mode).
///
/// Every namespace (and every process left in it), and the root namespace's veth, are removed on ``tearDown()``,
/// which `deinit` calls, so a failing test cleans up too.
final class NetworkHosts {
  enum Mode: String { case namespaces, loopback }

  /// One host: its name, its address on the shared network and, in namespace mode, its namespace.
  struct Host: Hashable {
    var name: String
    var address: String
    /// `nil` on loopback.
    var namespace: String?
    /// The hostname its processes see (`flowt-TAG-NAME` in namespace mode, the machine's on loopback).
    var hostname: String
  }

  let mode: Mode
  let hosts: [Host]
  /// Why namespaces could not be made (`nil` in namespace mode).
  let fallbackReason: String?
  /// The root namespace's address on the hosts' network (`127.0.0.1` on loopback).
  let rootAddress: String
  private let tag: String
  private var switchNamespace: String?
  private var torn = false

  private init(mode: Mode, hosts: [Host], fallbackReason: String?, rootAddress: String, tag: String, switchNamespace: String?) {
    self.mode = mode
    self.hosts = hosts
    self.fallbackReason = fallbackReason
    self.rootAddress = rootAddress
    self.tag = tag
    self.switchNamespace = switchNamespace
  }

  deinit { tearDown() }

  subscript(name: String) -> Host { hosts.first { $0.name == name }! }

  /// iproute2's `ip`, where Debian and others put it.
  static let ip: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
  static let unshare: String? = ["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) }

  /// Hosts named `names` in network namespaces, or on loopback when namespaces can't be made here.
  ///
  /// Prints one line saying which, so a test log shows how the test ran.
  static func make(_ names: [String]) -> NetworkHosts {
    let tag = String(UUID().uuidString.lowercased().prefix(6))
    if ProcessInfo.processInfo.environment["FLOW_TEST_HOSTS"] == "loopback" {
      return loopback(names, because: "FLOW_TEST_HOSTS=loopback")
    }
    do {
      let hosts = try makeNamespaces(names, tag: tag)
      print("NetworkHosts: \(names.count) hosts in network namespaces: "
            + hosts.hosts.map { "\($0.name)=\($0.address) (\($0.namespace!))" }.joined(separator: ", "))
      return hosts
    } catch {
      return loopback(names, because: "\(error)")
    }
  }

  /// Hosts named `names` that are all this machine (`127.0.0.1`, the root namespace); prints why.
  static func loopback(_ names: [String], because reason: String) -> NetworkHosts {
    print("NetworkHosts: network namespaces unavailable (\(reason)); the \(names.count) hosts run on loopback")
    let hostname = ProcessInfo.processInfo.hostName
    return NetworkHosts(mode: .loopback, hosts: names.map { Host(name: $0, address: "127.0.0.1", namespace: nil, hostname: hostname) },
                        fallbackReason: reason, rootAddress: "127.0.0.1", tag: "", switchNamespace: nil)
  }

  private static func makeNamespaces(_ names: [String], tag: String) throws -> NetworkHosts {
    guard let ip else { throw HostsError("no `ip` command (iproute2)") }
    guard let unshare else { throw HostsError("no `unshare` command (util-linux)") }
    _ = unshare
    guard names.count < 200 else { throw HostsError("too many hosts") }
    let subnet = try freeSubnet()
    let switchNamespace = "flowt-\(tag)-switch"
    let rootVeth = "flowt\(tag)"
    let hosts = names.enumerated().map { index, name in
      Host(name: name, address: "10.213.\(subnet).\(index + 2)", namespace: "flowt-\(tag)-\(name)", hostname: "flowt-\(tag)-\(name)")
    }
    let made = NetworkHosts(mode: .namespaces, hosts: hosts, fallbackReason: nil, rootAddress: "10.213.\(subnet).1",
                            tag: tag, switchNamespace: switchNamespace)
    // From here on `made` owns whatever exists, and removes it if a later step fails.
    var commands: [[String]] = [
      ["netns", "add", switchNamespace],
      ["-n", switchNamespace, "link", "set", "lo", "up"],
      ["-n", switchNamespace, "link", "add", "br0", "type", "bridge"],
      ["-n", switchNamespace, "link", "set", "br0", "up"],
      ["link", "add", rootVeth, "type", "veth", "peer", "name", "p0", "netns", switchNamespace],
      ["-n", switchNamespace, "link", "set", "p0", "master", "br0", "up"],
      ["addr", "add", "\(made.rootAddress)/24", "dev", rootVeth],
      ["link", "set", rootVeth, "up"],
    ]
    for (index, host) in hosts.enumerated() {
      let namespace = host.namespace!
      commands += [
        ["netns", "add", namespace],
        ["-n", namespace, "link", "set", "lo", "up"],
        ["-n", namespace, "link", "add", "eth0", "type", "veth", "peer", "name", "p\(index + 1)", "netns", switchNamespace],
        ["-n", switchNamespace, "link", "set", "p\(index + 1)", "master", "br0", "up"],
        ["-n", namespace, "addr", "add", "\(host.address)/24", "dev", "eth0"],
        ["-n", namespace, "link", "set", "eth0", "up"],
      ]
    }
    for command in commands {
      let result = try ShortCommand.run(ip, command)
      guard result.status == 0 else {
        throw HostsError("`ip \(command.joined(separator: " "))` failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
      }
    }
    return made
  }

  /// A third octet `R` such that no address or route of this machine is in `10.213.R.0/24`.
  private static func freeSubnet() throws -> Int {
    let used = (try? ShortCommand.run(ip!, ["-4", "route", "show", "table", "all"]).output) ?? ""
    let addresses = (try? ShortCommand.run(ip!, ["-4", "addr"]).output) ?? ""
    for _ in 0..<50 {
      let candidate = Int.random(in: 1...254)
      if !used.contains("10.213.\(candidate).") && !addresses.contains("10.213.\(candidate).") { return candidate }
    }
    throw HostsError("no free 10.213.R.0/24 subnet")
  }

  /// The command line that runs `arguments` on `host`: in its network namespace and with its hostname (in
  /// namespace mode), or as is (on loopback).
  func commandLine(on host: Host, _ arguments: [String]) -> [String] {
    guard let namespace = host.namespace else { return arguments }
    // `ip netns exec` and `unshare` exec the command, so the process started is the command itself.
    return [Self.ip!, "netns", "exec", namespace, Self.unshare!, "--uts", "/bin/sh", "-c",
            #"echo "$0" > /proc/sys/kernel/hostname && exec "$@""#, host.hostname] + arguments
  }

  /// Starts `arguments` (an absolute executable path first) on `host` in `directory`, stdout and stderr appended
  /// to the file `output` (a file, not a pipe, so a chatty long-running process never blocks on it).
  func start(_ arguments: [String], on host: Host, in directory: URL, output: URL, environment: [String: String] = [:]) throws -> Process {
    let line = commandLine(on: host, arguments)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: line[0])
    process.arguments = Array(line.dropFirst())
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env.removeValue(forKey: "FLOW_STORE")
    env.merge(environment) { $1 }
    process.environment = env
    if !FileManager.default.fileExists(atPath: output.path) { FileManager.default.createFile(atPath: output.path, contents: nil) }
    let handle = try FileHandle(forWritingTo: output)
    handle.seekToEndOfFile()
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? handle.close()
    return process
  }

  /// Runs `arguments` on `host` and waits for it; returns its exit status and its stdout and stderr together.
  @discardableResult
  func run(_ arguments: [String], on host: Host, in directory: URL, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let output = directory.appendingPathComponent(".run-\(UUID().uuidString).out")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = try start(arguments, on: host, in: directory, output: output, environment: environment)
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
  }

  /// The processes running on `host`: every process in its namespace, or on loopback `process` and its
  /// descendants.
  func processes(on host: Host, root process: Process? = nil) -> [pid_t] {
    if let namespace = host.namespace {
      let listed = (try? ShortCommand.run(Self.ip!, ["netns", "pids", namespace]).output) ?? ""
      return listed.split(whereSeparator: \.isNewline).compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }
    guard let process, process.isRunning else { return [] }
    return [process.processIdentifier] + Self.descendants(of: process.processIdentifier)
  }

  /// Takes `host` down at once, as when the machine goes away: SIGKILL to every process on it (on loopback:
  /// `process` and its descendants), repeated until none is left.
  func crash(_ host: Host, root process: Process? = nil) {
    for _ in 0..<50 {
      let running = processes(on: host, root: process)
      if running.isEmpty { break }
      running.forEach { kill($0, SIGKILL) }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  /// Kills every process in the namespaces and deletes them and the root namespace's veth. Safe to call twice.
  func tearDown() {
    guard !torn else { return }
    torn = true
    guard mode == .namespaces, let ip = Self.ip else { return }
    for host in hosts { crash(host) }
    // The root namespace's veth first: a namespace's devices go away in the background after `netns del`, so
    // deleting the pair from this side is what makes it gone when this returns.
    _ = try? ShortCommand.run(ip, ["link", "del", "flowt\(tag)"])
    for host in hosts { _ = try? ShortCommand.run(ip, ["netns", "del", host.namespace!]) }
    if let switchNamespace { _ = try? ShortCommand.run(ip, ["netns", "del", switchNamespace]) }
  }

  private static func descendants(of pid: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var parents: [pid_t: pid_t] = [:]
    for child in entries.compactMap({ pid_t($0) }) {
      guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")") else { continue }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 1, let parent = pid_t(fields[1]) { parents[child] = parent }
    }
    var found: [pid_t] = [], frontier = [pid]
    while let next = frontier.popLast() {
      let children = parents.filter { $0.value == next }.map(\.key)
      found += children
      frontier += children
    }
    return found
  }
}

/// Why hosts or a server for them could not be set up.
struct HostsError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
