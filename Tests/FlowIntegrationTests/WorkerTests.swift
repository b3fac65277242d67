import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow worker` against the real binary: several workers share one store, a worker killed mid-run loses its
/// executions to the others without any committed step running again, and SIGTERM drains.
@Suite(.serialized) struct WorkerTests {
  /// The store every command of a test uses: a SQLite file in the test's directory, or a PostgreSQL URL.
  var store = "flow.db"

  /// Each exec step appends its idempotency key to `log` when it starts.
  static let pipeline = """
    StartAt: Prepare
    States:
      Prepare:
        Type: Task
        Resource: flow:exec
        Parameters: {Command: [sh, -c, 'echo "$FLOW_IDEMPOTENCY_KEY" >> log; sleep 0.3; echo "{\\"rows\\": 3}"']}
        ResultPath: $.prepared
        Next: Fan
      Fan:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 2
        ItemSelector: {"item.$": $$.Map.Item.Value}
        ItemProcessor:
          StartAt: Work
          States:
            Work:
              Type: Task
              Resource: flow:exec
              Parameters:
                Command: [sh, -c, 'echo "$FLOW_IDEMPOTENCY_KEY" >> log; sleep 0.4; echo "{\\"done\\": \\"$ITEM\\"}"']
                Env: {"ITEM.$": "States.Format('{}', $.item)"}
              End: true
        ResultPath: $.results
        Next: Done
      Done: {Type: Pass, End: true}
    """
  static let input = #"{"items": ["a", "b", "c"]}"#
  static let environment = ["FLOW_LEASE_SECONDS": "2"]

  func prepare() throws -> URL {
    let directory = try temporaryDirectory()
    try directory.write(Self.pipeline, to: "p.yaml")
    return directory
  }

  func logLines(_ directory: URL) -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func executions(in directory: URL) throws -> [JSONValue] {
    try JSONValue(parsing: FlowBinary.run(["status", "--json", "--limit", "100", "--store", store], in: directory).stdout).arrayValue ?? []
  }

  func describe(_ id: String, in directory: URL) throws -> JSONValue {
    try JSONValue(parsing: FlowBinary.run(["status", id, "--json", "--store", store], in: directory).stdout)
  }

  func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
  }

  func queue(_ count: Int, in directory: URL) throws -> [String] {
    try (0..<count).map { i in
      let queued = try FlowBinary.run(["run", "p.yaml", "--queue", "--input", Self.input, "--name", "e\(i)", "--store", store], in: directory)
      #expect(queued.status == 0, "\(queued.stderr)")
      return queued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  func worker(_ name: String, in directory: URL, concurrency: Int = 3) throws -> Process {
    try FlowBinary.start(["worker", "--concurrency", "\(concurrency)", "--name", name, "--grace", "10", "--store", store],
                         in: directory, environment: Self.environment)
  }

  /// The processes whose parent is `pid` (a worker's step programs).
  func children(of pid: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { pid_t($0) }.filter { child in
      guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")") else { return false }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 1 && pid_t(fields[1]) == pid
    }
  }

  @Test func twoWorkersRunQueuedExecutions_oneKilledMidRun_everyExecutionSucceedsAndNoCommittedStepRunsAgain() throws {
    try killAWorkerMidRun()
  }

  /// The same on PostgreSQL: workers share the server, the killed worker's lease runs out (or its death on this
  /// machine is noticed) and the other worker goes on.
  @Test(.enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                 "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL worker test was skipped"))
  func twoWorkersOnPostgreSQL_oneKilledMidRun_everyExecutionSucceedsAndNoCommittedStepRunsAgain() throws {
    var onPostgres = self
    onPostgres.store = try PostgresTestURL.fresh()
    try onPostgres.killAWorkerMidRun()
  }

  func killAWorkerMidRun() throws {
    let reference = try prepare()
    let clean = try FlowBinary.run(["run", "p.yaml", "--input", Self.input, "--json", "--store", "flow.db"], in: reference)
    let expected = try #require(clean.json?["output"])

    let directory = try prepare()
    let ids = try queue(12, in: directory)
    let doomed = try worker("doomed", in: directory)
    let survivor = try worker("survivor", in: directory)
    defer { for process in [doomed, survivor] where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    waitFor(30) { logLines(directory).count >= 12 }
    // `flow status` names the worker running each execution.
    let owners = try executions(in: directory).compactMap { $0["owner"]?.stringValue?.split(separator: ":").last.map(String.init) }
    #expect(Set(owners) == ["doomed", "survivor"])
    // The worker and its step programs die at once, as when its host goes away.
    let steps = children(of: doomed.processIdentifier)
    #expect(!steps.isEmpty, "the killed worker was running steps")
    kill(doomed.processIdentifier, SIGKILL)
    steps.forEach { kill($0, SIGKILL) }
    doomed.waitUntilExit()

    try waitFor(90) { try executions(in: directory).allSatisfy { $0["status"] == "SUCCEEDED" } }
    let listed = try executions(in: directory)
    #expect(listed.count == 12)
    for id in ids {
      let described = try describe(id, in: directory)
      #expect(described["status"] == "SUCCEEDED", "\(id): \(described)")
      #expect(described["output"] == expected)
      let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", store], in: directory).stdout)
      CrashResumeTests().expectNoRecordedSuccessRanAgain(history)
      // A step program runs only after its TaskStarted is committed: each run of a key is in the history.
      let started = (history["events"]?.arrayValue ?? []).filter { $0["type"] == "TaskStarted" }
        .compactMap { $0["flow"]?["idempotencyKey"]?.stringValue }
      for key in Set(started) {
        #expect(logLines(directory).filter { $0 == key }.count <= started.filter { $0 == key }.count, "\(key) ran unrecorded")
      }
    }
    kill(survivor.processIdentifier, SIGTERM)
    survivor.waitUntilExit()
    #expect(survivor.terminationStatus == 0)
    let survivorLog = String(decoding: (survivor.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(survivorLog.contains("SUCCEEDED"))
  }

  @Test func sigtermLetsTheRunningStepFinish_thenHandsTheExecutionBackForAnotherWorker() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: A
      States:
        A: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo "A start" >> log; sleep 1; echo "A end" >> log; echo 1']}, Next: B}
        B: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo "B" >> log; echo 2']}, End: true}
      """, to: "p.yaml")
    let id = try #require(try queue(1, in: directory).first)
    let first = try worker("first", in: directory)
    waitFor(20) { logLines(directory).contains("A start") }
    kill(first.processIdentifier, SIGTERM)
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(logLines(directory) == ["A start", "A end"], "the running step finished and nothing new started")
    let handedBack = try describe(id, in: directory)
    #expect(handedBack["status"] == "RUNNING")
    #expect(handedBack["liveOwner"] == false)

    let second = try worker("second", in: directory)
    defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
    // The lease was released: the second worker takes the execution at once, not after the lease time.
    try waitFor(10) { try describe(id, in: directory)["status"] == "SUCCEEDED" }
    #expect(try describe(id, in: directory)["output"] == 2)
    #expect(logLines(directory) == ["A start", "A end", "B"])
    kill(second.processIdentifier, SIGTERM)
    second.waitUntilExit()
  }
}
