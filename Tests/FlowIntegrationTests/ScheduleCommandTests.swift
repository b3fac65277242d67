import FlowCore
import FlowTesting
import Foundation
import Testing

@testable import FlowStore

/// `flow tick`, `flow scheduler` and `flow schedule` as separate processes of the built binary.
@Suite struct ScheduleCommandTests {
  let directory: URL
  init() throws {
    directory = try temporaryDirectory()
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try directory.write("""
      Flow:
        Name: minutely
        Parameters: {force: true}
        Schedule: {Cron: "* * * * *", Input: {force: false}}
      StartAt: E
      States: {E: {Type: Task, Resource: flow:echo, End: true}}
      """, to: "pipelines/minutely.yaml")
  }

  func flow(_ arguments: [String]) throws -> FlowBinary.Result {
    try FlowBinary.run(arguments + ["--store", "flow.db"], in: directory)
  }

  func store() throws -> SQLiteStore { try SQLiteStore(path: directory.appendingPathComponent("flow.db").path) }

  /// Two `flow tick` processes at once on one store, several rounds: no slot ever gets two executions.
  @Test func twoTickProcessesAtOnceStartEachSlotOnce() throws {
    for round in 0..<4 {
      let store = "round-\(round).db"
      let ticks = try (0..<2).map { _ in
        try FlowBinary.start(["tick", "pipelines", "--store", store], in: directory)
      }
      for tick in ticks {
        _ = (tick.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        tick.waitUntilExit()
        #expect(tick.terminationStatus == 0)
      }
      let opened = try SQLiteStore(path: directory.appendingPathComponent(store).path)
      let executions = try opened.executions(limit: 10)
      let fires = try opened.fires(of: "minutely", limit: 10)
      // Normally one slot; two only when the ticks straddled a minute boundary, and then each slot once.
      #expect((1...2).contains(executions.count))
      #expect(fires.filter { $0.action == .started }.count == executions.count)
      #expect(Set(try opened.scheduledTimes(of: executions.map(\.id)).values).count == executions.count)
      #expect(executions.allSatisfy { $0.status == .succeeded && $0.input == ["force": false] })
    }
  }

  @Test func tickThenStatusShowsTheScheduledTime_andScheduleListShowsTheLastRun() throws {
    let tick = try flow(["tick"])
    #expect(tick.status == 0, "\(tick.stdout)\(tick.stderr)")
    #expect(tick.stdout.contains("minutely: slot "))
    let status = try flow(["status"])
    #expect(status.stdout.contains("SCHEDULED FOR (UTC)"))
    #expect(status.stdout.contains("scheduled-"))
    let list = try flow(["schedule", "list"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("cron      * * * * *  in UTC"))
    #expect(list.stdout.contains("last run  SUCCEEDED  scheduled-"))
    let json = try JSONValue(parsing: try flow(["schedule", "list", "--json"]).stdout)
    #expect(json.arrayValue?.first?["next"]?.arrayValue?.count == 5)
  }

  @Test func tickReportsABrokenPipelineFile_andStillTicksTheOthers() throws {
    try directory.write("Flow: {Schedule: {Cron: \"0 25 * * *\"}}\nStartAt: S\nStates: {S: {Type: Succeed}}\n",
                        to: "pipelines/broken.yaml")
    let tick = try flow(["tick"])
    #expect(tick.status == 1)
    #expect(tick.stdout.contains("pipelines/broken.yaml:1:28: error: [invalid-value] invalid 'Cron' expression: hour field"))
    #expect(tick.stdout.contains("minutely: slot "))
  }

  @Test func schedulerResumesAManualRunOnlyWithResumeAll_andExitsZeroOnSIGTERM() async throws {
    try directory.write("""
      StartAt: Slow
      States: {Slow: {Type: Task, Resource: flow:echo, Parameters: {DelaySeconds: 3}, End: true}}
      """, to: "slow.yaml")
    // `flow run` killed with SIGKILL while its task sleeps leaves a RUNNING execution with no owner.
    let run = try FlowBinary.start(["run", "slow.yaml", "--store", "flow.db", "--quiet"], in: directory)
    let started = Date().addingTimeInterval(30)
    while Date() < started, try store().executions(limit: 1).first.map({ try store().events(of: $0.id, after: 0) })?
      .contains(where: { $0.type == .taskStarted }) != true {
      try await Task.sleep(for: .milliseconds(50))
    }
    kill(run.processIdentifier, SIGKILL)
    run.waitUntilExit()
    let id = try #require(try store().executions(limit: 1).first?.id)
    #expect(try store().execution(id)?.status == .running)

    // Without --resume-all the scheduler leaves a manual run alone: resuming it would repeat its side effects.
    let alone = try FlowBinary.start(["scheduler", "pipelines", "--store", "flow.db"], in: directory)
    try await Task.sleep(for: .seconds(2))
    kill(alone.processIdentifier, SIGTERM)
    let aloneOutput = String(decoding: (alone.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    alone.waitUntilExit()
    #expect(aloneOutput.contains("scheduler started"), "\(aloneOutput)")
    #expect(!aloneOutput.contains("resuming interrupted execution \(id)"), "\(aloneOutput)")
    #expect(try store().execution(id)?.status == .running)

    let scheduler = try FlowBinary.start(["scheduler", "pipelines", "--store", "flow.db", "--resume-all"], in: directory)
    let deadline = Date().addingTimeInterval(30)
    // The lease of the killed process runs out, or its death is noticed; then the scheduler resumes the run.
    while try store().execution(id)?.status == .running, Date() < deadline {
      try await Task.sleep(for: .milliseconds(200))
    }
    #expect(try store().execution(id)?.status == .succeeded)
    kill(scheduler.processIdentifier, SIGTERM)
    let output = String(decoding: (scheduler.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    scheduler.waitUntilExit()
    #expect(scheduler.terminationStatus == 0, "\(output)")
    #expect(output.contains("scheduler started"))
    #expect(output.contains("resuming interrupted execution \(id)"))
    #expect(output.contains("received SIGTERM: stopping"))
    #expect(output.contains("scheduler stopped"))
  }
}
