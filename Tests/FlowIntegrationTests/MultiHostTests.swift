import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow worker`, `flow scheduler` and `flow tick` on several hosts that share one PostgreSQL server over the
/// network: each host is a network namespace with its own hostname, the server runs on a `db` host of its own, and
/// the processes connect to it over veth addresses (``HostCluster``, ``NetworkHosts``). Where namespaces can't be
/// made, the same tests run with every host on loopback and the log says so.
@Suite(.serialized, .enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                             "FLOW_TEST_POSTGRES_URL is unset: the multi-host tests were skipped"))
struct MultiHostTests {
  static let leaseSeconds = 3.0
  static let fixtures = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/multihost")

  /// The input of execution `i` (each execution gets a different one, so outputs can't be swapped unnoticed).
  static func items(_ i: Int) -> [Int] { [i % 5, i % 7 + 1, 3] }
  static func input(_ i: Int) -> String { #"{"n": \#(i), "items": \#(items(i))}"# }

  /// What `squares.yaml` computes for ``input(_:)`` (checked against a real run in the test).
  static func expectedOutput(_ i: Int) throws -> JSONValue {
    let base = 10 * i, squares = items(i).map { base + $0 * $0 }
    return try JSONValue(parsing: #"{"n": \#(i), "items": \#(items(i)), "prepared": {"base": \#(base)}, "#
                         + #""squares": \#(squares), "total": {"sum": \#(squares.reduce(0, +))}}"#)
  }

  static func lines(_ file: URL) -> [String] {
    ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func waitFor(_ seconds: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() && Date() < deadline { Thread.sleep(forTimeInterval: interval) }
  }

  /// `body` for each of `items`, `width` at a time; results in the order of `items`.
  func parallelMap<T: Sendable, R: Sendable>(_ items: [T], width: Int = 6, _ body: @escaping @Sendable (T) throws -> R) throws -> [R] {
    let results = Locked<[Int: Result<R, any Error>]>([:])
    let gate = DispatchSemaphore(value: width), group = DispatchGroup()
    for (index, item) in items.enumerated() {
      gate.wait()
      group.enter()
      Thread.detachNewThread {
        let result = Result(catching: { try body(item) })
        results.withLock { $0[index] = result }
        gate.signal()
        group.leave()
      }
    }
    group.wait()
    return try (0..<items.count).map { try results.value[$0]!.get() }
  }

  func executions(_ cluster: HostCluster) throws -> [JSONValue] {
    try JSONValue(parsing: cluster.flow(["status", "--json", "--limit", "500"]).stdout).arrayValue ?? []
  }

  /// The `NAME` part of a `HOST:PID:NAME` owner.
  static func ownerParts(_ execution: JSONValue) -> [String]? {
    execution["owner"]?.stringValue.map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func fiftyExecutionsOverThreeWorkerHosts_oneHostKilledMidRun_allSucceedWithTheirOutputsAndNoCommittedStepRunsAgain() throws {
    let cluster = try HostCluster(["w1", "w2", "w3"])
    let root = cluster.root
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("squares.yaml"), to: root.appendingPathComponent("squares.yaml"))

    // The expected outputs follow the pipeline's logic; one uninterrupted run (SQLite, this host) confirms it.
    let reference = try FlowBinary.run(["run", "squares.yaml", "--input", Self.input(7), "--json", "--store", "reference.db"], in: root,
                                       environment: ["FLOW_TEST_SIDE_LOG": root.appendingPathComponent("reference.log").path])
    #expect(reference.status == 0, "\(reference.stderr)")
    #expect(reference.json?["output"] == (try Self.expectedOutput(7)))

    let sideLog = root.appendingPathComponent("steps.log")
    let environment = ["FLOW_LEASE_SECONDS": "\(Self.leaseSeconds)", "FLOW_TEST_SIDE_LOG": sideLog.path]
    var workers: [String: Process] = [:]
    for name in ["w1", "w2", "w3"] {
      workers[name] = try cluster.startFlow(["worker", "--concurrency", "4", "--name", name, "--poll", "0.1", "--grace", "5"],
                                            on: name, environment: environment)
    }
    defer { for (name, process) in workers { cluster.hosts.crash(cluster[name], root: process) } }

    // Queued from this machine (the root namespace); the workers pick them up while the rest are queued.
    let ids = try parallelMap(Array(0..<50)) { [cluster] i in
      let queued = try cluster.flow(["run", "squares.yaml", "--queue", "--input", Self.input(i), "--name", "e\(i)"])
      try #require(queued.status == 0, "\(queued.stderr)")
      return queued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(Set(ids).count == 50)

    // Kill w1's host once steps have been committed and while w1 owns executions and runs step programs.
    let doomed = cluster["w1"], doomedProcess = workers["w1"]!
    var owned: [String] = [], ownerHosts: Set<String> = []
    try waitFor(60, every: 0.2) {
      guard Self.lines(sideLog).count >= 40 else { return false }
      let listed = try executions(cluster)
      owned = listed.filter { Self.ownerParts($0)?.last == "w1" }.compactMap { $0["executionId"]?.stringValue }
      ownerHosts = Set(listed.compactMap { Self.ownerParts($0)?.first })
      return !owned.isEmpty && cluster.hosts.processes(on: doomed, root: doomedProcess).count > 1
    }
    // `flow status` named w1 (on its own host) as the owner of executions before the kill.
    try #require(!owned.isEmpty, "w1 never showed as an owner in flow status")
    let stepsInFlight = cluster.hosts.processes(on: doomed, root: doomedProcess).count - 1
    #expect(stepsInFlight > 0, "w1 was running step programs when its host went down")
    if cluster.mode == .namespaces {
      #expect(ownerHosts.isSuperset(of: [doomed.hostname]), "owners name the worker's own host: \(ownerHosts)")
      #expect(!ownerHosts.contains(ProcessInfo.processInfo.hostName))
    }
    let committedBefore = Self.lines(sideLog).count
    let killed = Date()
    cluster.hosts.crash(doomed, root: doomedProcess)
    doomedProcess.waitUntilExit()

    // Another worker takes w1's executions over: when their leases run out (other hosts), or at once (loopback,
    // where the dead process is on the same machine). The executions w1 still held once it was dead can only change
    // in another worker's hands: a new owner, or (a taken-over execution may finish between two looks) an end,
    // which ends the lease and so leaves no owner to see.
    let deadOnes = try executions(cluster).filter { $0["status"] == "RUNNING" && Self.ownerParts($0)?.last == "w1" }
      .compactMap { $0["executionId"]?.stringValue }
    var takeover: Double? = deadOnes.isEmpty ? Date().timeIntervalSince(killed) : nil
    try waitFor(150, every: 0.2) {
      let listed = try executions(cluster)
      if takeover == nil, listed.contains(where: { deadOnes.contains($0["executionId"]?.stringValue ?? "")
                                                   && ($0["status"] != "RUNNING" || Self.ownerParts($0).map { $0.last != "w1" } == true) }) {
        takeover = Date().timeIntervalSince(killed)
      }
      return listed.count == 50 && listed.allSatisfy { $0["status"] == "SUCCEEDED" }
    }
    let listed = try executions(cluster)
    #expect(listed.count == 50)
    let byId = Dictionary(listed.map { ($0["executionId"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    for (i, id) in ids.enumerated() {
      #expect(byId[id]?["status"] == "SUCCEEDED", "\(id): \(String(describing: byId[id]))")
      #expect(byId[id]?["output"] == (try Self.expectedOutput(i)), "e\(i)")
    }

    // No step whose success was committed ran again. Each start of a step program is in the side log; a step runs
    // only after its TaskStarted is committed, so a key is logged at most as often as it was started, and a key
    // started twice is one that was in flight at the kill (its second TaskStarted says afterInterruption).
    let log = Self.lines(sideLog).map { $0.split(separator: " ").map(String.init) }
    let histories = try parallelMap(ids) { [cluster] id in
      try JSONValue(parsing: cluster.flow(["history", id, "--json"]).stdout)
    }
    var rerun = 0
    for history in histories {
      CrashResumeTests().expectNoRecordedSuccessRanAgain(history)
      let started = (history["events"]?.arrayValue ?? []).filter { $0["type"] == "TaskStarted" }
      rerun += started.filter { $0["flow"]?["afterInterruption"] == true }.count
      let keys = started.compactMap { $0["flow"]?["idempotencyKey"]?.stringValue }
      for key in Set(keys) {
        let ran = log.filter { $0.first == key }.count
        #expect(ran >= 1, "\(key) succeeded without running")
        #expect(ran <= keys.filter { $0 == key }.count, "\(key) ran \(ran) times but was started \(keys.filter { $0 == key }.count)")
      }
    }
    #expect(rerun >= 1, "a step in flight on the killed host ran again elsewhere")
    let succeeded = histories.reduce(0) { $0 + ($1["events"]?.arrayValue ?? []).filter { $0["type"] == "TaskSucceeded" }.count }
    #expect(Set(log.compactMap(\.first)).count == succeeded, "every step that ran succeeded once")
    let perHost = Dictionary(grouping: log.compactMap { $0.last }, by: { $0 }).mapValues(\.count)

    let taken = try #require(takeover, "nobody took w1's executions over")
    print("MultiHostTests: \(cluster.mode.rawValue): killed w1's host (\(stepsInFlight) step program(s) in flight) after \(committedBefore) step "
          + "runs; its executions were taken over \(String(format: "%.2f", taken)) s later (lease \(Self.leaseSeconds) s); "
          + "\(rerun) step(s) re-run; step runs per host: \(perHost)")
    if cluster.mode == .namespaces {
      // Other hosts can't see w1's PID: they waited for its leases, renewed every lease/3, to run out.
      #expect(taken >= Self.leaseSeconds / 2, "takeover after \(taken) s: by lease expiry, not by a PID check")
      #expect(perHost[doomed.hostname, default: 0] > 0)
      #expect(perHost.keys.filter { $0 != doomed.hostname }.count == 2, "the other two hosts ran steps: \(perHost)")
    }

    for name in ["w2", "w3"] {
      let process = workers[name]!
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(name): \(cluster.output(of: name).suffix(2000))")
    }
  }
}

extension MultiHostTests {
  /// The `schedule_fires` rows of `pipeline`: slot (seconds since 1970), action, execution id.
  func fires(_ cluster: HostCluster, of pipeline: String) throws -> [(slot: Double, action: String, execution: String)] {
    try cluster.sql("SELECT scheduled_time, action, COALESCE(execution_id, '') FROM schedule_fires WHERE pipeline = '\(pipeline)' ORDER BY scheduled_time")
      .map { row in
        let fields = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return (Double(fields[0]) ?? -1, fields[1], fields[2])
      }
  }

  /// One execution per slot, and the ledger agrees: a row per slot, each `started` with its own execution.
  func expectOneExecutionPerSlot(_ cluster: HostCluster, pipeline: String, executions: [JSONValue]) throws -> [Double] {
    let ledger = try fires(cluster, of: pipeline)
    let scheduled = executions.filter { $0["pipeline"]?.stringValue == pipeline }
    #expect(Set(ledger.map(\.slot)).count == ledger.count, "one ledger row per slot: \(ledger)")
    #expect(ledger.allSatisfy { $0.action == "started" }, "\(ledger)")
    #expect(scheduled.count == ledger.count, "one execution per slot: \(scheduled.count) executions, \(ledger.count) slots")
    #expect(Set(ledger.map(\.execution)) == Set(scheduled.compactMap { $0["executionId"]?.stringValue }))
    #expect(Set(scheduled.compactMap { $0["scheduledTime"]?.stringValue }).count == scheduled.count)
    #expect(scheduled.allSatisfy { $0["status"] == "SUCCEEDED" }, "\(scheduled)")
    return ledger.map(\.slot)
  }

  @Test func twoSchedulersOnTwoHosts_startEachSlotOnce_includingASlotBothWakeFor() throws {
    let cluster = try HostCluster(["a", "b"])
    for name in ["a", "b"] {
      let pipelines = cluster.directories[name]!.appendingPathComponent("pipelines")
      try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("minutely.yaml"), to: pipelines.appendingPathComponent("minutely.yaml"))
    }
    let go = cluster.root.appendingPathComponent("go")
    let schedulers = try ["a", "b"].map { try cluster.startFlow(["scheduler", "pipelines", "--grace", "5"], on: $0, barrier: go) }
    defer { for (name, process) in zip(["a", "b"], schedulers) { cluster.hosts.crash(cluster[name], root: process) } }
    // Both start on the fresh schema at once (migrations, first tick); both then sleep until the next minute's slot
    // and wake for it at the same moment.
    FileManager.default.createFile(atPath: go.path, contents: nil)
    let started = Date().timeIntervalSince1970
    let first = (started / 60).rounded(.down) * 60, boundary = first + 60
    print("MultiHostTests: two schedulers from \(Date(timeIntervalSince1970: started)); waiting for the slot at \(Date(timeIntervalSince1970: boundary))")
    try waitFor(boundary - started + 30, every: 0.5) {
      guard Date().timeIntervalSince1970 > boundary + 2 else { return false }
      let slots = try fires(cluster, of: "minutely")
      let listed = try executions(cluster)
      return slots.contains { $0.slot == boundary } && listed.allSatisfy { $0["status"] == "SUCCEEDED" }
    }
    for process in schedulers {
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
    }
    let slots = try expectOneExecutionPerSlot(cluster, pipeline: "minutely", executions: try executions(cluster))
    #expect(slots.contains(boundary), "the slot both schedulers woke for: \(slots)")
    let startedLines = ["a", "b"].flatMap { name in
      cluster.output(of: name).split(separator: "\n").filter { $0.contains("minutely: slot ") && $0.contains(" started as ") }.map { "\(name): \($0)" }
    }
    #expect(startedLines.count == slots.count, "\(startedLines)")
    // The scheduler that lost a slot saw it taken; it logged no error.
    for name in ["a", "b"] { #expect(!cluster.output(of: name).contains("tick failed"), "\(name): \(cluster.output(of: name))") }
    print("MultiHostTests: \(cluster.mode.rawValue): \(slots.count) slot(s), one execution each:\n" + startedLines.joined(separator: "\n"))
  }

  @Test func twoTicksOnTwoHostsAtTheSameMoment_startTheSlotOnce_roundAfterRound() throws {
    let cluster = try HostCluster(["a", "b"])
    var slots = 0
    for round in 0..<4 {
      let pipeline = "minutely-\(round)"
      for name in ["a", "b"] {
        let directory = cluster.directories[name]!.appendingPathComponent("round-\(round)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("minutely.yaml"), encoding: .utf8)
        try directory.write(text.replacingOccurrences(of: "Name: minutely", with: "Name: \(pipeline)"), to: "minutely.yaml")
      }
      let go = cluster.root.appendingPathComponent("go-\(round)")
      let ticks = try ["a", "b"].map { try cluster.startFlow(["tick", "round-\(round)"], on: $0, barrier: go) }
      defer { for (name, process) in zip(["a", "b"], ticks) { cluster.hosts.crash(cluster[name], root: process) } }
      FileManager.default.createFile(atPath: go.path, contents: nil)
      for (name, tick) in zip(["a", "b"], ticks) {
        tick.waitUntilExit()
        #expect(tick.terminationStatus == 0, "\(name): \(cluster.output(of: name).suffix(2000))")
      }
      // Normally one slot; two when the ticks straddled a minute boundary, and then each slot once.
      let fired = try expectOneExecutionPerSlot(cluster, pipeline: pipeline, executions: try executions(cluster))
      #expect((1...2).contains(fired.count))
      slots += fired.count
    }
    print("MultiHostTests: \(cluster.mode.rawValue): 4 rounds of two simultaneous ticks started \(slots) slot(s), each once")
  }
}
