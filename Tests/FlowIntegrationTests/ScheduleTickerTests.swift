import FlowCore
import FlowDefinition
import FlowExecutor
import FlowScheduler
import FlowSteps
import FlowTesting
import Foundation
import Testing

@testable import FlowCommands
@testable import FlowStore

/// `flow tick`'s logic with an injected clock: overlap and catch-up policies, queued slots, idempotence.
///
/// The clock is set in the past (January 2026), so leases taken at the real time look live to it.
@Suite struct ScheduleTickerTests {
  let directory: URL
  let store: SQLiteStore
  let lines = LogLines()

  init() throws {
    directory = try temporaryDirectory()
    store = try SQLiteStore(path: directory.appendingPathComponent("flow.db").path, durability: .normal)
  }

  func ticker(store: SQLiteStore? = nil) -> ScheduleTicker {
    let store = store ?? self.store
    let options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"))
    let executor = Executor(store: store, steps: .builtIn, loader: loader, options: options)
    return ScheduleTicker(executor: executor, store: store, log: TickLog { [lines] in lines.append($0) })
  }

  var loader: PipelineLoader { PipelineLoader(knownResources: Set(StepRegistry.builtIn.resources)) }

  func pipeline(_ schedule: String) throws -> ScheduledPipeline {
    try directory.write("""
      Flow:
        Name: hourly
        Parameters: {a: 1, force: true}
        Schedule: \(schedule)
      StartAt: E
      States: {E: {Type: Task, Resource: flow:echo, End: true}}
      """, to: "hourly.yaml")
    let loaded = try ScheduledPipeline.load(from: directory.path, loader: loader)
    #expect(loaded.problems.isEmpty)
    return try #require(loaded.pipelines.first)
  }

  static func at(_ text: String) -> Date { try! Date("2026-01-01T\(text)Z", strategy: .iso8601) }

  func actions() throws -> [String] {
    try store.fires(of: "hourly", limit: 100).reversed().map {
      "\(TickLog.format(Date(timeIntervalSince1970: $0.scheduledTime)).dropFirst(11).prefix(5)) \($0.action.rawValue)"
    }
  }

  @Test func startsTheDueSlot_withScheduleInputOverParameters_andAScheduledName() async throws {
    let hourly = try pipeline(#"{Cron: "0 * * * *", Input: {force: false}}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    let ticker = ticker()  // one executor: the one that created an execution holds its lease and runs it
    let report = ticker.tick([hourly], now: Self.at("01:00:20"), resumeOrphans: false)
    let started = try #require(report.started.first?.record)
    #expect(report.started.count == 1)
    #expect(started.name == "scheduled-2026-01-01T01:00:00Z")
    #expect(started.input == ["a": 1, "force": false])
    #expect(report.nextFire == Self.at("02:00:00"))
    #expect(await ticker.run(report) == 0)
    #expect(try store.execution(started.id)?.status == .succeeded)
    #expect(try store.scheduledTimes(of: [started.id]) == [started.id: Self.at("01:00:00").timeIntervalSince1970])
    #expect(try store.lastTick(of: "hourly") == Self.at("01:00:20").timeIntervalSince1970)
  }

  @Test func repeatedTickWithTheSameClockStartsNothingMore() throws {
    let hourly = try pipeline(#"{Cron: "0 * * * *", Overlap: allow}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    #expect(ticker().tick([hourly], now: Self.at("01:00:05"), resumeOrphans: false).started.count == 1)
    // A crash before the tick time was saved: the next tick plans the same slot, which is already taken.
    let replay = try SQLiteStore(path: directory.appendingPathComponent("flow.db").path)
    try replay.locked { db in try db.run("DELETE FROM schedule_ticks") }
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    let again = ticker().tick([hourly], now: Self.at("01:00:40"), resumeOrphans: false)
    #expect(again.started.isEmpty)
    #expect(again.alreadyFired == 1)
    #expect(try store.executions(limit: 10).count == 1)
  }

  @Test func twoTickersOnTwoConnectionsAtOnceStartTheSlotOnce() async throws {
    let hourly = try pipeline(#"{Cron: "* * * * *", Overlap: allow, Catchup: true, MaxCatchup: 30}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:00:00").timeIntervalSince1970)
    let other = try SQLiteStore(path: directory.appendingPathComponent("flow.db").path, durability: .normal)
    let tickers = [ticker(), ticker(store: other)]
    let counts = await withTaskGroup(of: Int.self) { group in
      for ticker in tickers {
        group.addTask { ticker.tick([hourly], now: Self.at("00:30:30"), resumeOrphans: false).started.count }
      }
      return await group.reduce(0, +)
    }
    #expect(counts == 30)
    #expect(try store.executions(limit: 100).count == 30)
    #expect(Set(try store.fires(of: "hourly", limit: 100).map(\.scheduledTime)).count == 30)
  }

  @Test func catchupOff_runsOnlyTheLatestMissedSlot_andLogsTheOthers() throws {
    let hourly = try pipeline(#"{Cron: "0 * * * *"}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    let report = ticker().tick([hourly], now: Self.at("05:10:00"), resumeOrphans: false)
    #expect(report.started.map(\.record.name) == ["scheduled-2026-01-01T05:00:00Z"])
    #expect(try actions() == ["05:00 started"])
    #expect(lines.all.contains { $0.contains("4 missed slot(s) from 2026-01-01T01:00:00Z to 2026-01-01T04:00:00Z") })
  }

  @Test func catchupOn_runsMissedSlotsOneAfterAnother_boundedByMaxCatchup() async throws {
    let hourly = try pipeline(#"{Cron: "0 * * * *", Catchup: true, MaxCatchup: 3}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    let ticker = ticker()
    let first = ticker.tick([hourly], now: Self.at("05:10:00"), resumeOrphans: false)
    #expect(try actions() == ["03:00 started", "04:00 queued", "05:00 queued"])
    #expect(lines.all.contains { $0.contains("2 missed slot(s)") && $0.contains("beyond MaxCatchup 3") })
    // While 03:00 runs, the queue waits.
    #expect(ticker.tick([hourly], now: Self.at("05:11:00"), resumeOrphans: false).started.isEmpty)
    #expect(await ticker.run(first) == 0)
    let second = ticker.tick([hourly], now: Self.at("05:12:00"), resumeOrphans: false)
    #expect(second.started.map(\.record.name) == ["scheduled-2026-01-01T04:00:00Z"])
    #expect(await ticker.run(second) == 0)
    let third = ticker.tick([hourly], now: Self.at("05:13:00"), resumeOrphans: false)
    #expect(third.started.map(\.record.name) == ["scheduled-2026-01-01T05:00:00Z"])
    #expect(try actions() == ["03:00 started", "04:00 started", "05:00 started"])
  }

  @Test(arguments: [("skip", ["01:00 started", "02:00 skipped"], 1), ("queue", ["01:00 started", "02:00 queued"], 1),
                    ("allow", ["01:00 started", "02:00 started"], 2)])
  func overlapPolicyDecidesASlotDueWhileThePreviousRunRuns(_ policy: String, _ expected: [String], _ running: Int) throws {
    let hourly = try pipeline("{Cron: \"0 * * * *\", Overlap: \(policy)}")
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    _ = ticker().tick([hourly], now: Self.at("01:00:10"), resumeOrphans: false)  // started, never run: still RUNNING
    _ = ticker().tick([hourly], now: Self.at("02:00:10"), resumeOrphans: false)
    #expect(try actions() == expected)
    #expect(try store.runningScheduledExecutions(of: "hourly").count == running)
  }

  @Test func orphanedScheduledExecutionIsResumedByTheNextTick() async throws {
    let hourly = try pipeline(#"{Cron: "0 * * * *"}"#)
    try store.recordTick(of: "hourly", at: Self.at("00:30:00").timeIntervalSince1970)
    let report = ticker().tick([hourly], now: Self.at("01:00:10"), resumeOrphans: false)
    let id = try #require(report.started.first?.record.id)
    // The tick process died: its lease is gone.
    let record = try #require(try store.execution(id))
    try store.releaseLease(id, fence: LeaseFence(owner: try #require(record.owner), epoch: record.leaseEpoch))
    let next = ticker().tick([hourly], now: Date(), resumeOrphans: true)
    #expect(next.orphaned.map(\.id) == [id])
    #expect(await ticker().run(next) == 0)
    #expect(try store.execution(id)?.status == .succeeded)
  }
}

/// Log lines collected from several tasks.
final class LogLines: Sendable {
  private let lines = Locked<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var all: [String] { lines.value }
}
