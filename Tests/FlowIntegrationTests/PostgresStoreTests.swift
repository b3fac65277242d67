import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow` on a PostgreSQL store (`--store postgresql://…`), through the binary: run, status, history, and a run
/// killed with SIGKILL that `flow resume` finishes without running a finished step again. Each test uses a fresh
/// schema of the server `FLOW_TEST_POSTGRES_URL` names (`.ci/run` starts one); without it these tests are skipped,
/// and with `CI=1` or `FLOW_REQUIRE_POSTGRES=1` they fail.
@Suite(.serialized, .enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                             "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL integration tests were skipped"))
struct PostgresStoreTests {
  @Test func runStatusAndHistoryOnPostgres() throws {
    let store = try PostgresTestURL.fresh()
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: Greet
      States:
        Greet: {Type: Pass, Parameters: {"greeting.$": "States.Format('hello {}', $.who)"}, Next: Shout}
        Shout:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo "{\\"shouted\\": true}"']}
          ResultPath: $.shout
          End: true
      """, to: "p.yaml")
    let run = try FlowBinary.run(["run", "p.yaml", "--input", #"{"who": "pg"}"#, "--json", "--store", store], in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.json?["status"] == "SUCCEEDED")
    #expect(run.json?["output"] == ["greeting": "hello pg", "shout": ["shouted": true]])
    let id = try #require(run.json?["executionId"]?.stringValue)

    let status = try FlowBinary.run(["status", "--json"], in: directory, environment: ["FLOW_STORE": store])
    let listed = try #require(try JSONValue(parsing: status.stdout).arrayValue)
    #expect(listed.map { $0["executionId"] } == [.string(id)])
    #expect(listed.first?["status"] == "SUCCEEDED")

    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", store], in: directory).stdout)
    let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
    #expect(types.first == "ExecutionStarted")
    #expect(types.last == "ExecutionSucceeded")
    #expect(types.contains("TaskSucceeded"))
    // No SQLite file was made: the store is the server.
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".flow/flow.db").path))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("flow.db").path))
  }

  /// As `CrashResumeTests.aStepKilledInFlightRunsAgainWithTheSameKeyAndTheNextAttempt`, on PostgreSQL.
  @Test func aRunKilledMidwayResumesWithoutRunningAFinishedStepAgain() throws {
    let store = try PostgresTestURL.fresh()
    let crash = CrashResumeTests()
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo "A $FLOW_ATTEMPT $FLOW_IDEMPOTENCY_KEY" >> log; echo 1']}
          Next: B
        B:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo "B $FLOW_ATTEMPT $FLOW_IDEMPOTENCY_KEY" >> log; if [ "$FLOW_ATTEMPT" = 1 ]; then sleep 30; fi; echo 2']}
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--json", "--store", store], in: directory)
    let deadline = Date().addingTimeInterval(20)
    while !crash.logLines(directory).contains(where: { $0.hasPrefix("B ") }) && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    let status = try FlowBinary.run(["status", "--json", "--store", store], in: directory)
    let listed = try #require(try JSONValue(parsing: status.stdout).arrayValue?.first)
    #expect(listed["status"] == "RUNNING")
    #expect(listed["liveOwner"] == false)
    let id = try #require(listed["executionId"]?.stringValue)

    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", store], in: directory)
    #expect(resumed.json?["status"] == "SUCCEEDED", "\(resumed.stderr)")
    #expect(resumed.json?["output"] == 2)
    let lines = crash.logLines(directory)
    #expect(lines.filter { $0.hasPrefix("A ") }.count == 1)
    let b = lines.filter { $0.hasPrefix("B ") }.map { $0.split(separator: " ").map(String.init) }
    #expect(b.map { $0[1] } == ["1", "2"])
    #expect(Set(b.map { $0[2] }).count == 1)

    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", store], in: directory).stdout)
    crash.expectNoRecordedSuccessRanAgain(history)
    #expect(history["events"]?.arrayValue?.contains { $0["type"] == "TaskStarted" && $0["flow"]?["afterInterruption"] == true } == true)
  }

  /// As `TakeOverTests.aFrozenOwnerThatLostItsLeaseStopsWithoutActing`, on PostgreSQL: the owner is frozen
  /// (SIGSTOP) past its lease, `flow resume` takes over and finishes, and the thawed owner's next commit is refused by
  /// `flow_commit`'s fence: it performs no further effect and exits saying so.
  @Test func aFrozenOwnerThatLostItsLeaseStopsWithoutActing() throws {
    try TakeOverTests().expectAFrozenOwnerStopsWithoutActing(store: try PostgresTestURL.fresh())
  }

  /// `flow run --detach` hands the execution to a background `flow resume` on the same server; its log is in
  /// `.flow/logs` under the project root, as with SQLite.
  @Test func aDetachedRunFinishesInTheBackground_withItsLogInTheProject() throws {
    let store = try PostgresTestURL.fresh()
    let directory = try temporaryDirectory()
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, Result: {\"done\": true}, End: true}}\n", to: "p.yaml")
    let run = try FlowBinary.run(["run", "p.yaml", "--detach", "--store", store], in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    let id = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let deadline = Date().addingTimeInterval(30)
    var status: JSONValue?
    while Date() < deadline {
      let listed = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", store], in: directory).stdout)
      status = listed.arrayValue?.first { $0["executionId"]?.stringValue == id }?["status"]
      if status == "SUCCEEDED" { break }
      Thread.sleep(forTimeInterval: 0.2)
    }
    #expect(status == "SUCCEEDED")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".flow/logs/\(id).log").path))
    #expect(try FlowBinary.run(["logs", id, "--store", store], in: directory).status == 0)
  }

  /// A store that can't be reached is a one-line error naming the server, never the password.
  @Test func anUnreachableServerIsAClearErrorWithoutThePassword() throws {
    let directory = try temporaryDirectory()
    let result = try FlowBinary.run(["status", "--store", "postgresql://flow:s3cret-pw@127.0.0.1:1/flow?sslmode=disable"], in: directory)
    #expect(result.status != 0)
    #expect(result.stderr.contains("postgresql://flow:***@127.0.0.1:1/flow"))
    #expect(!result.stderr.contains("s3cret-pw"))
  }
}

/// The test server's URL, with a fresh `schema` for each test.
enum PostgresTestURL {
  static var base: String? {
    ProcessInfo.processInfo.environment["FLOW_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
  }

  static var required: Bool {
    let environment = ProcessInfo.processInfo.environment
    return environment["CI"] == "1" || environment["FLOW_REQUIRE_POSTGRES"] == "1"
  }

  static func fresh() throws -> String {
    let base = try #require(base, "CI=1 or FLOW_REQUIRE_POSTGRES=1 requires FLOW_TEST_POSTGRES_URL (a PostgreSQL server)")
    let schema = "flowit_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return base + (base.contains("?") ? "&" : "?") + "schema=" + schema
  }
}
