import FlowCore
import FlowTesting
import Foundation
import Testing

/// Concurrency and crashes against the real binary: finished branches are committed at once, a Map keeps its
/// progress under frequent SIGKILLs, and a frozen owner that lost its lease can no longer act.
@Suite(.serialized) struct TakeOverTests {
  func lines(_ directory: URL) -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  func history(_ id: String, in directory: URL) throws -> [JSONValue] {
    try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", "flow.db"], in: directory).stdout)["events"]?.arrayValue ?? []
  }

  func waitFor(_ seconds: Double = 20, _ condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
  }

  func onlyExecution(in directory: URL) throws -> String {
    let listed = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory).stdout)
    return try #require(listed.arrayValue?.first?["executionId"]?.stringValue)
  }

  /// A Parallel's quick branch finishes while the slow one runs; SIGKILL; the quick step's success is in the
  /// history, and the resumed run does not run it again.
  @Test func aFinishedParallelBranchIsCommittedAtOnce_andNeverRunsAgain() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches:
            - StartAt: Quick
              States:
                Quick: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo quick >> log; sleep 0.1; echo 1']}, End: true}
            - StartAt: Slow
              States:
                Slow: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo slow >> log; sleep 3; echo 2']}, End: true}
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--json", "--store", "flow.db", "--quiet"], in: directory)
    waitFor { lines(directory).contains("quick") && lines(directory).contains("slow") }
    Thread.sleep(forTimeInterval: 1)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let id = try onlyExecution(in: directory)
    let before = try history(id, in: directory)
    #expect(before.contains { $0["type"] == "TaskSucceeded" && $0["taskSucceededEventDetails"]?["output"] == "1" },
            "the quick branch's result was not committed when it finished")
    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", "flow.db", "--quiet"], in: directory)
    #expect(resumed.json?["status"] == "SUCCEEDED")
    #expect(resumed.json?["output"] == [1, 2])
    #expect(lines(directory).filter { $0 == "quick" }.count == 1)
    #expect(lines(directory).filter { $0 == "slow" }.count == 2)
    // No event refers to one that is not in the history.
    let after = try history(id, in: directory)
    let ids = Set(after.compactMap { $0["id"]?.intValue })
    #expect(after.allSatisfy { ($0["previousEventId"]?.intValue).map { $0 == 0 || ids.contains($0) } ?? false })
    #expect(ids == Set(1...after.count))
  }

  /// SIGKILL more often than an item takes: each run still commits the items it finished, so the Map finishes,
  /// and no item whose success was committed runs again.
  @Test func aMapUnderFrequentKillsStillFinishes() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: M
      States:
        M:
          Type: Map
          MaxConcurrency: 3
          ItemProcessor:
            StartAt: Work
            States:
              Work:
                Type: Task
                Resource: flow:exec
                Parameters:
                  Command: [sh, -c, 'echo "start $ITEM" >> log; sleep 0.$((ITEM % 4 + 2)); echo "end $ITEM" >> log; echo $ITEM']
                  Env: {"ITEM.$": "States.Format('{}', $)"}
                End: true
          End: true
      """, to: "p.yaml")
    let items = JSONValue.array((0..<12).map { .int($0) }).serialized()
    var process = try FlowBinary.start(["run", "p.yaml", "--input", items, "--json", "--store", "flow.db", "--quiet"], in: directory)
    var kills = 0
    var id: String?
    while kills < 60 {
      Thread.sleep(forTimeInterval: Double.random(in: 0.35...0.6))
      if !process.isRunning { break }
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .exit { break }  // it finished just before the kill
      kills += 1
      if id == nil { id = try onlyExecution(in: directory) }
      process = try FlowBinary.start(["resume", try #require(id), "--json", "--store", "flow.db", "--quiet"], in: directory)
    }
    process.waitUntilExit()
    // The record as the store has it: the last process may have been killed after its finishing commit, before it
    // printed (then the `flow resume` after it found the execution finished and printed no record).
    let executionId = try id ?? onlyExecution(in: directory)
    let final = try JSONValue(parsing: FlowBinary.run(["status", executionId, "--json", "--store", "flow.db"], in: directory).stdout)
    #expect(kills > 2)
    #expect(final["status"] == "SUCCEEDED", "\(kills) kills")
    #expect(final["output"] == .array((0..<12).map { .int($0) }))
    let events = try history(try #require(final["executionId"]?.stringValue), in: directory)
    var succeeded: Set<String> = []
    for event in events {
      guard let key = event["flow"]?["idempotencyKey"]?.stringValue else { continue }
      if event["type"] == "TaskStarted" { #expect(!succeeded.contains(key), "\(key) started again after it succeeded") }
      if event["type"] == "TaskSucceeded" { #expect(succeeded.insert(key).inserted) }
    }
  }

  /// The owner is frozen (SIGSTOP) past its lease; `flow resume` takes over and finishes; the old owner, thawed,
  /// finds its lease gone, performs no further effect and exits with a clear message.
  @Test func aFrozenOwnerThatLostItsLeaseStopsWithoutActing() throws {
    try expectAFrozenOwnerStopsWithoutActing(store: "flow.db")
  }

  /// The frozen-owner scenario on `store` (a SQLite path, or a PostgreSQL URL: `PostgresStoreTests`).
  func expectAFrozenOwnerStopsWithoutActing(store: String) throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: A
      States:
        A: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo A >> log; sleep 1; echo 1']}, Next: B}
        B: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo B >> log; echo 2']}, End: true}
      """, to: "p.yaml")
    let environment = ["FLOW_LEASE_SECONDS": "1"]
    let owner = try FlowBinary.start(["run", "p.yaml", "--json", "--store", store, "--quiet"], in: directory, environment: environment)
    waitFor { lines(directory).contains("A") }
    kill(owner.processIdentifier, SIGSTOP)
    Thread.sleep(forTimeInterval: 2)  // the frozen owner's lease (1 s) runs out
    let listed = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", store], in: directory).stdout)
    let id = try #require(listed.arrayValue?.first?["executionId"]?.stringValue)
    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", store, "--quiet"], in: directory, environment: environment)
    #expect(resumed.json?["status"] == "SUCCEEDED", "\(resumed.stderr)")
    kill(owner.processIdentifier, SIGCONT)
    owner.waitUntilExit()
    let stderr = String(decoding: (owner.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(owner.terminationStatus != 0)
    #expect(stderr.contains("lease"), "the old owner said: \(stderr)")
    #expect(lines(directory).filter { $0 == "B" }.count == 1, "B ran more than once: \(lines(directory))")
    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", store], in: directory).stdout)
    #expect(history["events"]?.arrayValue?.filter { $0["type"] == "ExecutionSucceeded" }.count == 1)
    CrashResumeTests().expectNoRecordedSuccessRanAgain(history)
    let status = try JSONValue(parsing: FlowBinary.run(["status", id, "--json", "--store", store], in: directory).stdout)
    #expect(status["status"] == "SUCCEEDED")
  }
}

@Suite struct NestingTests {
  /// A pipeline that starts itself stops at the nesting limit instead of filling the store, and every execution of
  /// the chain ends.
  @Test func aPipelineThatStartsItselfStopsAtTheNestingLimit() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: Again
      States:
        Again: {Type: Task, Resource: flow:pipeline, Parameters: {Pipeline: self.yaml}, End: true}
      """, to: "self.yaml")
    let run = try FlowBinary.run(["run", "self.yaml", "--json", "--store", "flow.db", "--quiet"], in: directory)
    #expect(run.json?["status"] == "FAILED")
    let all = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory).stdout).arrayValue ?? []
    #expect(all.count == 10)
    #expect(all.allSatisfy { $0["status"] == "FAILED" })
    #expect(run.json?["cause"]?.stringValue?.contains("at most 10 levels") == true)
  }
}
