import FlowCore
import FlowStore
import Foundation
import Testing

@Suite struct SQLiteStoreTests {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func store() throws -> SQLiteStore { try SQLiteStore(path: directory.appendingPathComponent("flow.db").path) }

  func record(_ id: String = UUID().uuidString.lowercased(), name: String? = nil, lease: Double? = nil) -> ExecutionRecord {
    ExecutionRecord(id: id, name: name ?? id, pipeline: "p", pipelinePath: "p.yaml", definition: "{}", input: ["a": 1],
                    startTime: 100, owner: "me", leaseUntil: lease)
  }

  @Test func createsAndReadsBackAnExecution_withItsEventsAndScopes() throws {
    let store = try store()
    let r = record()
    try store.create(r, events: [HistoryEvent(id: 1, previousId: 0, type: "ExecutionStarted", timestamp: 100, details: ["input": ["a": 1]])],
                     scopes: [ScopeRecord(id: "root", status: .running, position: ["state": "A"])])
    #expect(try store.execution(r.id) == r)
    #expect(try store.execution(String(r.id.prefix(6)))?.id == r.id)
    #expect(try store.events(of: r.id, after: 0).map(\.type) == ["ExecutionStarted"])
    #expect(try store.scopes(of: r.id) == [ScopeRecord(id: "root", status: .running, position: ["state": "A"])])
    #expect(try store.lastEventId(of: r.id) == 1)
  }

  @Test func findsAnExecutionByAShortName_andTakesWildcardsInPrefixesLiterally() throws {
    let store = try store()
    let short = record(name: "abc"), single = record(name: "x")
    try store.create(short, events: [], scopes: [])
    try store.create(single, events: [], scopes: [])
    #expect(try store.execution("abc")?.id == short.id)
    #expect(try store.execution("x")?.id == single.id)
    #expect(try store.execution("ab") == nil)
    #expect(try store.execution("%%%%") == nil)
    #expect(try store.execution("____") == nil)
  }

  @Test func rejectsADuplicateExecutionName() throws {
    let store = try store()
    try store.create(record(name: "nightly"), events: [], scopes: [])
    #expect(throws: StoreError.self) { try store.create(record(name: "nightly"), events: [], scopes: []) }
  }

  @Test func commitsABatchAtomically_andKeepsTheLatestScope() throws {
    let store = try store()
    let r = record()
    try store.create(r, events: [], scopes: [])
    var batch = CommitBatch(executionId: r.id)
    batch.events = [HistoryEvent(id: 1, previousId: 0, type: "PassStateEntered", timestamp: 1, details: [:])]
    batch.scopes = [ScopeRecord(id: "root", status: .succeeded, position: [:], result: 42)]
    batch.finish = ExecutionFinish(status: .succeeded, output: 42, stopTime: 200)
    try store.commit(batch)
    let done = try #require(try store.execution(r.id))
    #expect(done.status == .succeeded)
    #expect(done.output == 42)
    #expect(try store.scopes(of: r.id).first?.result == 42)

    // A batch that violates a constraint (an event id used twice) changes nothing.
    var bad = CommitBatch(executionId: r.id)
    bad.scopes = [ScopeRecord(id: "other", status: .running, position: [:])]
    bad.events = [HistoryEvent(id: 2, previousId: 1, type: "X", timestamp: 2, details: [:]),
                  HistoryEvent(id: 1, previousId: 0, type: "Y", timestamp: 2, details: [:])]
    #expect(throws: StoreError.self) { try store.commit(bad) }
    #expect(try store.scopes(of: r.id).map(\.id) == ["root"])
    #expect(try store.lastEventId(of: r.id) == 1)
  }

  @Test func leasesKeepASecondOwnerOut_untilTheyExpire() throws {
    let store = try store()
    let r = record(lease: 1_000)
    try store.create(r, events: [], scopes: [])
    #expect(try store.acquireLease(r.id, owner: "other", until: 2_000, now: 500) == false)
    #expect(try store.acquireLease(r.id, owner: "me", until: 2_000, now: 500) == true)
    #expect(try store.acquireLease(r.id, owner: "other", until: 4_000, now: 3_000) == true)
    #expect(try store.renewLease(r.id, owner: "me", until: 9_000) == false)
  }

  @Test func stopAbortsAnOrphanedExecution_andFlagsALiveOne() throws {
    let store = try store()
    let live = record(lease: 10_000), orphan = record(lease: 10)
    try store.create(live, events: [], scopes: [])
    try store.create(orphan, events: [], scopes: [])
    #expect(try store.requestStop(live.id, error: nil, cause: "x", now: 100) == .running)
    #expect(try store.execution(live.id)?.stopRequested == true)
    #expect(try store.requestStop(orphan.id, error: "E", cause: "C", now: 100) == .aborted)
    #expect(try store.events(of: orphan.id, after: 0).map(\.type) == ["ExecutionAborted"])
  }

  @Test func tokensCompleteOnce() throws {
    let store = try store()
    let r = record()
    try store.create(r, events: [], scopes: [])
    var batch = CommitBatch(executionId: r.id)
    batch.tokens = [TaskTokenRecord(token: "t1", executionId: r.id, stateName: "Approve", heartbeat: 1)]
    try store.commit(batch)
    try store.heartbeatToken("t1", now: 5)
    #expect(try store.token("t1")?.heartbeat == 5)
    try store.completeToken("t1", status: .succeeded, output: ["ok": true], error: nil, cause: nil, now: 6)
    #expect(try store.token("t1")?.output == ["ok": true])
    #expect(throws: StoreError.self) {
      try store.completeToken("t1", status: .failed, output: nil, error: "E", cause: "C", now: 7)
    }
    #expect(throws: StoreError.self) { try store.heartbeatToken("nope", now: 7) }
  }

  @Test func reopensOnlyFinishedExecutions() throws {
    let store = try store()
    let r = record()
    try store.create(r, events: [], scopes: [])
    #expect(throws: StoreError.self) { try store.reopen(r.id, scopes: [], events: []) }
    var batch = CommitBatch(executionId: r.id)
    batch.finish = ExecutionFinish(status: .failed, error: "E", cause: "C", stopTime: 3)
    try store.commit(batch)
    try store.reopen(r.id, scopes: [], events: [])
    let reopened = try #require(try store.execution(r.id))
    #expect(reopened.status == .running)
    #expect(reopened.redriveCount == 1)
    #expect(reopened.error == nil)
  }

  @Test func unwritableStorePathIsAClearError() {
    #expect {
      _ = try SQLiteStore(path: "/proc/flow-cannot-write-here/flow.db")
    } throws: { error in
      String(describing: error).contains("/proc/flow-cannot-write-here")
    }
  }

  @Test func twoConnectionsShareTheStore() throws {
    let a = try store(), b = try store()
    let r = record()
    try a.create(r, events: [], scopes: [])
    #expect(try b.execution(r.id)?.id == r.id)
  }
}
