import FlowCore
import FlowTesting
import Foundation
import Testing

/// A DISTRIBUTED Map of 2,000 items over two `flow worker` processes on PostgreSQL, one killed mid-run.
///
/// The items are batched 20 to a child (`ItemBatcher`), so the Map Run has 100 child executions, at most 10
/// unfinished at once (`MaxConcurrency`); each child's first state is a `flow:exec` step that appends its
/// idempotency key to `log`.
@Suite(.serialized) struct DistributedMapProcessTests {
  static let pipeline = """
    StartAt: Fan
    States:
      Fan:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 10
        ItemBatcher: {MaxItemsPerBatch: 20}
        ItemProcessor:
          ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: STANDARD}
          StartAt: Work
          States:
            Work:
              Type: Task
              Resource: flow:exec
              Parameters: {Command: [sh, -c, 'echo "$FLOW_IDEMPOTENCY_KEY" >> log; sleep 0.1; echo "{}"']}
              ResultPath: null
              Next: Sum
            Sum: {Type: Pass, Parameters: {"count.$": "States.ArrayLength($.Items)", "first.$": "$.Items[0]"}, End: true}
        End: true
    """
  static let input = "{\"items\": [\((0..<2000).map(String.init).joined(separator: ","))]}"

  func logLines(_ directory: URL) -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
  }

  @Test(.enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                 "FLOW_TEST_POSTGRES_URL is unset: the Distributed Map worker test was skipped"))
  func twoThousandItemsOverTwoWorkersOnPostgreSQL_oneKilledMidRun_succeedWithTheUninterruptedOutput() throws {
    // The uninterrupted run: `flow run` on SQLite with no worker (the parent runs its own children).
    let reference = try temporaryDirectory()
    try reference.write(Self.pipeline, to: "p.yaml")
    let clean = try FlowBinary.run(["run", "p.yaml", "--input", Self.input, "--json", "--store", "flow.db"], in: reference)
    #expect(clean.status == 0, "\(clean.stderr)")
    let expected = try #require(clean.json?["output"])
    #expect(expected.arrayValue?.count == 100)
    #expect(logLines(reference).count == 100)

    let store = try PostgresTestURL.fresh()
    let directory = try temporaryDirectory()
    try directory.write(Self.pipeline, to: "p.yaml")
    let queued = try FlowBinary.run(["run", "p.yaml", "--queue", "--input", Self.input, "--store", store], in: directory)
    #expect(queued.status == 0, "\(queued.stderr)")
    let parent = queued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let workers = try ["doomed", "survivor"].map { name in
      try FlowBinary.start(["worker", "--concurrency", "4", "--name", name, "--grace", "5", "--store", store],
                           in: directory, environment: ["FLOW_LEASE_SECONDS": "2"])
    }
    defer { for process in workers where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    waitFor(60) { logLines(directory).count >= 30 }
    #expect(logLines(directory).count >= 30, "the Map Run did not get going")
    kill(workers[0].processIdentifier, SIGKILL)
    workers[0].waitUntilExit()

    func described() throws -> JSONValue {
      try JSONValue(parsing: FlowBinary.run(["status", parent, "--json", "--store", store], in: directory).stdout)
    }
    try waitFor(120) { try described()["status"] != "RUNNING" }
    let final = try described()
    #expect(final["status"] == "SUCCEEDED", "\(final)")
    #expect(final["output"] == expected)
    // One child per batch, whatever the kill interrupted: the resumed parent found the children it had created.
    let children = final["children"]?.arrayValue ?? []
    #expect(children.count == 100)
    #expect(Set(children.compactMap { $0["name"]?.stringValue }).count == 100)
    #expect(children.allSatisfy { $0["status"] == "SUCCEEDED" })

    // A step ran again only where its success had not been committed: each run of a key is in its child's history.
    let runs = Dictionary(grouping: logLines(directory), by: { $0 })
    #expect(Set(runs.keys.compactMap { $0.split(separator: "/").first.map(String.init) }).count == 100)
    for (key, lines) in runs where lines.count > 1 {
      let child = String(key.split(separator: "/")[0])
      let history = try JSONValue(parsing: FlowBinary.run(["history", child, "--json", "--store", store], in: directory).stdout)
      let started = (history["events"]?.arrayValue ?? []).filter { $0["type"] == "TaskStarted" && $0["flow"]?["idempotencyKey"]?.stringValue == key }
      #expect(lines.count <= started.count, "\(key) ran \(lines.count) times, \(started.count) recorded")
    }
    kill(workers[1].processIdentifier, SIGTERM)
    workers[1].waitUntilExit()
  }
}
