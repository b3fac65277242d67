import FlowCore
import Foundation
import Testing

@testable import FlowStore

/// Scheduled runs on each store (SQLite, and PostgreSQL when `FLOW_TEST_POSTGRES_URL` is set).
@Suite struct ScheduleStoreTests {
  typealias Backend = TestStoreLocation.Backend
  let directory: URL
  var path: String { directory.appendingPathComponent("flow.db").path }

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-schedules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func record(pipeline: String = "nightly", slot: Double) -> ExecutionRecord {
    let id = UUID().uuidString.lowercased()
    return ExecutionRecord(id: id, name: "scheduled-\(Int(slot))", pipeline: pipeline, pipelinePath: "p.yaml",
                           definition: "{}", input: [:], startTime: slot, owner: "me", leaseUntil: slot + 10)
  }

  func start(_ store: any FlowStoreBackend, slot: Double, ifBusy: ScheduleFireRecord.Action? = nil) throws -> ScheduleFireRecord.Action? {
    try store.createScheduledExecution(
      record(slot: slot), events: [HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: slot)],
      scopes: [ScopeRecord(id: "root", status: .running, position: [:])], scheduledTime: slot, firedAt: slot, ifBusy: ifBusy)
  }

  func finish(_ store: any FlowStoreBackend, _ id: String) throws {
    var batch = CommitBatch(executionId: id)
    batch.finish = ExecutionFinish(status: .succeeded, stopTime: 1)
    try store.commit(batch)
  }

  @Test(arguments: Backend.available) func startsASlotOnce_andRecordsTheExecutionWithItsScheduledTime(_ backend: Backend) throws {
    let store = try TestStoreLocation(backend).open()
    #expect(try start(store, slot: 600) == .started)
    #expect(try start(store, slot: 600) == nil)
    #expect(try store.recordFire(pipeline: "nightly", scheduledTime: 600, action: .skipped, firedAt: 601) == false)
    let fires = try store.fires(of: "nightly", limit: 10)
    #expect(fires.count == 1)
    #expect(fires.first?.action == .started)
    let id = try #require(fires.first?.executionId)
    #expect(try store.scheduledTimes(of: [id, "unknown"]) == [id: 600])
    #expect(try store.runningScheduledExecutions(of: "nightly").map(\.id) == [id])
    #expect(try store.events(of: id, after: 0).map(\.type) == [.executionStarted])
  }

  /// Two connections (as two processes would have), each hammered from its own threads, race for the same slots:
  /// every slot gets exactly one execution.
  @Test(arguments: Backend.available) func concurrentConnectionsStartEachSlotOnce(_ backend: Backend) async throws {
    let location = try TestStoreLocation(backend)
    let first = try location.open(), second = try location.open()
    let slots = (0..<25).map { Double($0 * 60) }
    let started = await withTaskGroup(of: Int.self) { group in
      for worker in 0..<8 {
        let store = worker.isMultiple(of: 2) ? first : second
        group.addTask {
          var count = 0
          for slot in slots where (try? self.start(store, slot: slot)) == .started { count += 1 }
          return count
        }
      }
      return await group.reduce(0, +)
    }
    #expect(started == slots.count)
    #expect(try first.fires(of: "nightly", limit: 100).count == slots.count)
    #expect(try first.executions(limit: 100).count == slots.count)
  }

  @Test(arguments: Backend.available) func busyPipelineQueuesOrSkips_andAllowStartsAnyway(_ backend: Backend) throws {
    let store = try TestStoreLocation(backend).open()
    #expect(try start(store, slot: 60, ifBusy: .skipped) == .started)
    #expect(try start(store, slot: 120, ifBusy: .skipped) == .skipped)
    #expect(try start(store, slot: 180, ifBusy: .queued) == .queued)
    // A queued slot keeps the pipeline busy for the next one, even with .skipped (FIFO behind the queue).
    #expect(try start(store, slot: 240, ifBusy: .queued) == .queued)
    #expect(try start(store, slot: 300, ifBusy: nil) == .started)
    #expect(try store.queuedFires(of: "nightly").map(\.scheduledTime) == [180, 240])
    #expect(try store.fires(of: "nightly", limit: 10).map(\.action) == [.started, .queued, .queued, .skipped, .started])
  }

  @Test(arguments: Backend.available) func queuedSlotStartsOnlyWhenIdle_andOldestFirst(_ backend: Backend) throws {
    let store = try TestStoreLocation(backend).open()
    #expect(try start(store, slot: 60, ifBusy: .queued) == .started)
    #expect(try start(store, slot: 120, ifBusy: .queued) == .queued)
    #expect(try start(store, slot: 180, ifBusy: .queued) == .queued)
    #expect(try store.startQueuedExecution(record(slot: 120), events: [], scopes: [], scheduledTime: 120) == false)
    try finish(store, try #require(store.fires(of: "nightly", limit: 10).last?.executionId))
    #expect(try store.startQueuedExecution(record(slot: 180), events: [], scopes: [], scheduledTime: 180) == false)
    #expect(try store.startQueuedExecution(record(slot: 120), events: [], scopes: [], scheduledTime: 120) == true)
    #expect(try store.startQueuedExecution(record(slot: 120), events: [], scopes: [], scheduledTime: 120) == false)
    #expect(try store.queuedFires(of: "nightly").map(\.scheduledTime) == [180])
    #expect(try store.fires(of: "nightly", limit: 10).first { $0.scheduledTime == 120 }?.action == .started)
  }

  @Test(arguments: Backend.available) func lastTickNeverMovesBackwards(_ backend: Backend) throws {
    let store = try TestStoreLocation(backend).open()
    #expect(try store.lastTick(of: "nightly") == nil)
    try store.recordTick(of: "nightly", at: 500)
    try store.recordTick(of: "nightly", at: 400)
    #expect(try store.lastTick(of: "nightly") == 500)
    try store.recordTick(of: "nightly", at: 560)
    #expect(try store.lastTick(of: "nightly") == 560)
    #expect(try store.lastTick(of: "other") == nil)
  }

  @Test(arguments: Backend.available) func listsOrphanedExecutions_scheduledOnlyOrAll(_ backend: Backend) throws {
    let store = try TestStoreLocation(backend).open()
    #expect(try start(store, slot: 60) == .started)  // lease until 70
    let manual = ExecutionRecord(id: "manual", name: "manual", pipeline: "p", pipelinePath: "p.yaml", definition: "{}",
                                 input: [:], startTime: 1, owner: "x", leaseUntil: 5)
    try store.create(manual, events: [], scopes: [])
    #expect(try store.orphanedExecutions(now: 50, scheduledOnly: false).map(\.id) == ["manual"])
    #expect(try store.orphanedExecutions(now: 100, scheduledOnly: true).map(\.pipeline) == ["nightly"])
    #expect(try store.orphanedExecutions(now: 100, scheduledOnly: false).count == 2)
  }

  /// A store created by the first schema version gains the schedule tables and keeps its executions.
  @Test func migratesAVersion1Store() throws {
    do {
      let old = try SQLiteConnection(path: path, busyTimeout: 5)
      try old.execute(Migrations.all[0])
      try old.execute("PRAGMA user_version = 1")
      try old.run(
        """
        INSERT INTO executions (id, name, pipeline, pipeline_path, definition, status, input, start_time)
        VALUES ('old', 'old', 'nightly', 'p.yaml', '{}', 'SUCCEEDED', '{}', 1)
        """)
    }
    let store = try SQLiteStore(path: path)
    #expect(try store.execution("old")?.status == .succeeded)
    #expect(try store.scheduledTimes(of: ["old"]).isEmpty)
    #expect(try start(store, slot: 60) == .started)
    let version = try store.locked { db in try db.query("PRAGMA user_version") { $0.int(0) }.first }
    #expect(version == Migrations.all.count)
  }
}
