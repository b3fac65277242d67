import FlowCore
import FlowPostgres
import FlowStore
import FlowTesting
import Foundation
import Testing

/// The behaviour every ``ExecutionStore`` must have, checked on each store: SQLite on disk, PostgreSQL (each store
/// in a fresh schema of the server `FLOW_TEST_POSTGRES_URL` names) and the in-memory store the executor tests use,
/// so they cannot drift apart. Without `FLOW_TEST_POSTGRES_URL` the PostgreSQL cases are left out, and
/// `PostgresServerTests.theServerIsConfigured` reports them skipped (or fails, when CI requires them).
@Suite struct StoreConformanceTests {
  enum Kind: String, CaseIterable, CustomStringConvertible {
    case sqlite, memory, postgres
    var description: String { rawValue }

    /// Every kind whose store can be made here.
    static var available: [Kind] { PostgresTestServer.url == nil ? [.sqlite, .memory] : allCases }
  }

  func store(_ kind: Kind) throws -> any ExecutionStore {
    switch kind {
    case .sqlite: try SQLiteStore(path: temporaryDirectory("flow-store").appendingPathComponent("flow.db").path)
    case .memory: InMemoryStore()
    case .postgres: try TestStoreLocation(.postgres).open()
    }
  }

  func record(_ id: String = UUID().uuidString.lowercased(), name: String? = nil, lease: Double? = nil) -> ExecutionRecord {
    ExecutionRecord(id: id, name: name ?? id, pipeline: "p", pipelinePath: "p.yaml", definition: "{}", input: ["a": 1],
                    startTime: 100, owner: "me", leaseUntil: lease, leaseEpoch: 1)
  }

  @Test(arguments: Kind.available) func createsAndReadsBackAnExecution_withItsEventsAndScopes(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record()
    let started = HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: 100,
                               details: EventDetails.executionStarted(input: ["a": 1], roleArn: ""), flow: ["scheduledTime": "x"])
    try store.create(r, events: [started], scopes: [ScopeRecord(id: "root", status: .running, position: ["state": "A"])])
    #expect(try store.execution(r.id) == r)
    #expect(try store.execution(String(r.id.prefix(6)))?.id == r.id)
    #expect(try store.events(of: r.id, after: 0) == [started])
    #expect(try store.scopes(of: r.id) == [ScopeRecord(id: "root", status: .running, position: ["state": "A"])])
    #expect(try store.lastEventId(of: r.id) == 1)
  }

  /// A page of history is read in the store's query, forwards or backwards from a position, and only the
  /// execution's own events: paging through it gives the whole history once, in either order.
  @Test(arguments: Kind.available) func readsTheHistoryByPages_forwardsAndBackwards(_ kind: Kind) throws {
    let store = try store(kind)
    let (r, other) = (record(), record())
    let events = (1...25).map { HistoryEvent(id: $0, previousId: $0 - 1, type: .passStateEntered, timestamp: Double($0)) }
    try store.create(r, events: events, scopes: [])
    try store.create(other, events: events, scopes: [])
    #expect(try store.events(of: r.id, following: nil, reverse: false, limit: 3).map(\.id) == [1, 2, 3])
    #expect(try store.events(of: r.id, following: 3, reverse: false, limit: 3).map(\.id) == [4, 5, 6])
    #expect(try store.events(of: r.id, following: nil, reverse: true, limit: 3).map(\.id) == [25, 24, 23])
    #expect(try store.events(of: r.id, following: 23, reverse: true, limit: 3).map(\.id) == [22, 21, 20])
    #expect(try store.events(of: r.id, following: 24, reverse: false, limit: 10).map(\.id) == [25])
    #expect(try store.events(of: r.id, following: 1, reverse: true, limit: 10).isEmpty)
    #expect(try store.events(of: "missing", following: nil, reverse: false, limit: 10).isEmpty)
    for reverse in [false, true] {
      var read: [HistoryEvent] = []
      while true {
        let page = try store.events(of: r.id, following: read.last?.id, reverse: reverse, limit: 4)
        if page.isEmpty { break }
        read += page
      }
      #expect(read == (reverse ? events.reversed() : events))
    }
  }

  @Test(arguments: Kind.available) func findsAnExecutionByAShortName(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record(name: "abc")
    try store.create(r, events: [], scopes: [])
    let single = record(name: "x")
    try store.create(single, events: [], scopes: [])
    #expect(try store.execution("abc")?.id == r.id)
    #expect(try store.execution("x")?.id == single.id)
    #expect(try store.execution("ab") == nil)
    #expect(try store.execution("%%%%") == nil)
    #expect(try store.execution("____") == nil)
  }

  @Test(arguments: Kind.available) func rejectsADuplicateExecutionName(_ kind: Kind) throws {
    let store = try store(kind)
    try store.create(record(name: "nightly"), events: [], scopes: [])
    #expect { try store.create(record(name: "nightly"), events: [], scopes: []) } throws: { ($0 as? StoreError)?.code == .constraint }
  }

  @Test(arguments: Kind.available) func commitsABatchAtomically_andKeepsTheLatestScope(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record()
    try store.create(r, events: [], scopes: [])
    var batch = CommitBatch(executionId: r.id)
    batch.events = [HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 1)]
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
    bad.events = [HistoryEvent(id: 2, previousId: 1, type: .passStateExited, timestamp: 2),
                  HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 2)]
    #expect { try store.commit(bad) } throws: { ($0 as? StoreError)?.code == .constraint }
    #expect(try store.scopes(of: r.id).map(\.id) == ["root"])
    #expect(try store.lastEventId(of: r.id) == 1)
  }

  @Test(arguments: Kind.available) func leasesKeepASecondOwnerOut_untilTheyExpire_andEachTakeOverStartsANewEpoch(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record(lease: 1_000)
    try store.create(r, events: [], scopes: [])
    #expect(try store.acquireLease(r.id, owner: "other", until: 2_000, now: 500) == nil)
    let mine = try #require(try store.acquireLease(r.id, owner: "me", until: 2_000, now: 500))
    #expect(mine == LeaseFence(owner: "me", epoch: 2))
    let theirs = try #require(try store.acquireLease(r.id, owner: "other", until: 4_000, now: 3_000))
    #expect(theirs.epoch == 3)
    #expect(try store.renewLease(r.id, fence: mine, until: 9_000) == false)
    #expect(try store.renewLease(r.id, fence: theirs, until: 9_000) == true)
    let after = try #require(try store.takeOverLease(r.id, from: "other", to: "third", until: 9_500))
    #expect(after == LeaseFence(owner: "third", epoch: 4))
  }

  /// A fenced commit writes every row it carries (events in order, scopes with and without a result, a token), and
  /// one that ends the execution also ends its lease, after which releasing the lease changes nothing.
  @Test(arguments: Kind.available) func aFencedCommitWritesEveryRow_andItsEndingEndsTheLease(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record(lease: 1_000)
    try store.create(r, events: [], scopes: [])
    let fence = try #require(try store.acquireLease(r.id, owner: "me", until: 5_000, now: 500))
    var batch = CommitBatch(executionId: r.id)
    batch.events = (1...3).map { HistoryEvent(id: $0, previousId: $0 - 1, type: .passStateEntered, timestamp: Double($0)) }
    batch.scopes = [ScopeRecord(id: "root", status: .running, position: ["at": 1]),
                    ScopeRecord(id: "root/0", status: .succeeded, position: [:], result: "done")]
    batch.tokens = [TaskTokenRecord(token: "tok-1", executionId: r.id, stateName: "Wait", heartbeat: 7)]
    batch.fence = fence
    try store.commit(batch)
    #expect(try store.events(of: r.id, after: 0).map(\.id) == [1, 2, 3])
    let scopes = Dictionary(uniqueKeysWithValues: try store.scopes(of: r.id).map { ($0.id, $0) })
    #expect(scopes.keys.sorted() == ["root", "root/0"])
    #expect(scopes["root"]?.result == nil)
    #expect(scopes["root/0"]?.result == "done")
    #expect(try store.token("tok-1")?.stateName == "Wait")
    #expect(try store.execution(r.id)?.leaseUntil == 5_000)

    var end = CommitBatch(executionId: r.id)
    end.events = [HistoryEvent(id: 4, previousId: 3, type: .executionSucceeded, timestamp: 4)]
    end.finish = ExecutionFinish(status: .succeeded, output: 1, stopTime: 4)
    end.fence = fence
    try store.commit(end)
    let ended = try #require(try store.execution(r.id))
    #expect(ended.status == .succeeded)
    #expect(ended.leaseUntil == nil)
    #expect(ended.owner == "me")
    try store.releaseLease(r.id, fence: fence)
    #expect(try store.execution(r.id) == ended)
  }

  /// A batch that creates its execution (its first commit) writes the row and everything it carries at once, even
  /// its ending; one whose name is taken fails with a constraint error and writes nothing at all.
  @Test(arguments: Kind.available) func aCreatingCommitWritesTheExecutionWithItsBatch_orNothingWhenTheNameIsTaken(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record(name: "once", lease: 5_000)
    var first = CommitBatch(executionId: r.id)
    first.create = r
    first.events = [HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: 100),
                    HistoryEvent(id: 2, previousId: 1, type: .executionSucceeded, timestamp: 101)]
    first.scopes = [ScopeRecord(id: "root", status: .succeeded, position: [:], result: 2)]
    first.finish = ExecutionFinish(status: .succeeded, output: 2, stopTime: 101)
    first.fence = LeaseFence(owner: "me", epoch: 1)
    try store.commit(first)
    let created = try #require(try store.execution(r.id))
    #expect(created.status == .succeeded)
    #expect(created.output == 2)
    #expect(created.input == ["a": 1])
    #expect(try store.events(of: r.id, after: 0).map(\.type) == [.executionStarted, .executionSucceeded])
    #expect(try store.scopes(of: r.id).map(\.result) == [2])

    let twin = record(name: "once", lease: 5_000)
    var second = CommitBatch(executionId: twin.id)
    second.create = twin
    second.events = [HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: 100)]
    second.scopes = [ScopeRecord(id: "root", status: .running, position: [:])]
    second.fence = LeaseFence(owner: "me", epoch: 1)
    #expect { try store.commit(second) } throws: { ($0 as? StoreError)?.code == .constraint }
    #expect(try store.execution(twin.id) == nil)
    #expect(try store.events(of: twin.id, after: 0).isEmpty)
    #expect(try store.scopes(of: twin.id).isEmpty)
  }

  /// Fencing: a commit made under a lease that was taken over is rejected and writes nothing.
  @Test(arguments: Kind.available) func aCommitUnderALostLeaseIsRejected_andWritesNothing(_ kind: Kind) throws {
    let store = try store(kind)
    let r = record(lease: 1_000)
    try store.create(r, events: [], scopes: [])
    let old = try #require(try store.acquireLease(r.id, owner: "me", until: 1_000, now: 500))
    _ = try #require(try store.acquireLease(r.id, owner: "new", until: 9_000, now: 2_000))
    var late = CommitBatch(executionId: r.id)
    late.events = [HistoryEvent(id: 1, previousId: 0, type: .taskScheduled, timestamp: 3)]
    late.scopes = [ScopeRecord(id: "root", status: .running, position: ["late": true])]
    late.finish = ExecutionFinish(status: .succeeded, stopTime: 3)
    late.fence = old
    #expect { try store.commit(late) } throws: { ($0 as? StoreError)?.code == .leaseLost }
    #expect(try store.events(of: r.id, after: 0).isEmpty)
    #expect(try store.scopes(of: r.id).isEmpty)
    #expect(try store.execution(r.id)?.status == .running)
  }

  /// Several processes (two connections, several threads each) race for an orphaned execution's lease: exactly one
  /// wins, and the winner's fence is the only one a commit passes with.
  @Test(arguments: TestStoreLocation.Backend.available) func racingOwnersTakeALeaseOnce(_ backend: TestStoreLocation.Backend) async throws {
    let location = try TestStoreLocation(backend)
    let first = try location.open(), second = try location.open()
    let r = record(lease: 10)
    try first.create(r, events: [], scopes: [])
    let fences = await withTaskGroup(of: LeaseFence?.self) { group in
      for worker in 0..<8 {
        let store = worker.isMultiple(of: 2) ? first : second
        group.addTask { try? store.acquireLease(r.id, owner: "owner-\(worker)", until: 10_000, now: 500) }
      }
      return await group.reduce(into: [LeaseFence]()) { if let fence = $1 { $0.append(fence) } }
    }
    #expect(fences.count == 1)
    let winner = try #require(fences.first)
    #expect(winner.epoch == 2)
    var late = CommitBatch(executionId: r.id)
    late.events = [HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 1)]
    late.fence = LeaseFence(owner: "me", epoch: 1)
    #expect { try second.commit(late) } throws: { ($0 as? StoreError)?.code == .leaseLost }
    late.fence = winner
    try second.commit(late)
    #expect(try first.lastEventId(of: r.id) == 1)
  }

  @Test(arguments: Kind.available) func stopAbortsAnOrphanedExecution_andFlagsALiveOneWithItsErrorAndCause(_ kind: Kind) throws {
    let store = try store(kind)
    let live = record(lease: 10_000), orphan = record(lease: 10)
    try store.create(live, events: [], scopes: [])
    try store.create(orphan, events: [], scopes: [])
    #expect(try store.requestStop(live.id, error: "E1", cause: "x", now: 100) == .running)
    #expect(try store.execution(live.id)?.stopRequested == true)
    #expect(try store.execution(live.id)?.error == "E1")
    #expect(try store.requestStop(orphan.id, error: "E", cause: "C", now: 100) == .aborted)
    #expect(try store.events(of: orphan.id, after: 0).map(\.type) == [.executionAborted])
  }

  @Test(arguments: Kind.available) func tokensCompleteOnce(_ kind: Kind) throws {
    let store = try store(kind)
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

  @Test(arguments: Kind.available) func reopensOnlyFinishedExecutions(_ kind: Kind) throws {
    let store = try store(kind)
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

  @Test(arguments: Kind.available) func checkpointsKeepTheirOrderPerKey(_ kind: Kind) throws {
    let store = try store(kind)
    try store.appendCheckpoint(1, executionId: "e", key: "k")
    try store.appendCheckpoint(2, executionId: "e", key: "k")
    try store.appendCheckpoint(9, executionId: "e", key: "other")
    #expect(try store.checkpoints(of: "e", key: "k") == [1, 2])
  }
}

/// What only the SQLite store does: files, and several connections (as several processes have).
@Suite struct SQLiteStoreTests {
  @Test func unwritableStorePathIsAClearError() {
    #expect {
      _ = try SQLiteStore(path: "/proc/flow-cannot-write-here/flow.db")
    } throws: { error in
      String(describing: error).contains("/proc/flow-cannot-write-here")
    }
  }

  @Test func twoConnectionsShareTheStore() throws {
    let path = try temporaryDirectory("flow-store").appendingPathComponent("flow.db").path
    let a = try SQLiteStore(path: path), b = try SQLiteStore(path: path)
    let r = ExecutionRecord(id: "x1", name: "x1", pipeline: "p", pipelinePath: "p.yaml", definition: "{}", input: [:], startTime: 1)
    try a.create(r, events: [], scopes: [])
    #expect(try b.execution(r.id)?.id == r.id)
  }

  /// A write lock held by another connection is reported as `busy` (not matched from a message).
  @Test func aStoreLockedByAnotherConnectionIsBusy() throws {
    let path = try temporaryDirectory("flow-store").appendingPathComponent("flow.db").path
    let a = try SQLiteStore(path: path), b = try SQLiteStore(path: path, busyTimeout: 0.1)
    let r = ExecutionRecord(id: "x2", name: "x2", pipeline: "p", pipelinePath: "p.yaml", definition: "{}", input: [:], startTime: 1)
    try a.create(r, events: [], scopes: [])
    try a.withWriteLock {
      var batch = CommitBatch(executionId: r.id)
      batch.events = [HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 1)]
      #expect { try b.commit(batch) } throws: { ($0 as? StoreError)?.code == .busy }
    }
  }
}
