import FlowCore
import FlowStore
import FlowTesting
import Foundation
import Testing

/// ``SQLiteStore``'s group commit: writes that arrive while a transaction is written share the next one, and a
/// write that fails fails alone.
@Suite struct GroupCommitTests {
  func record(_ name: String) -> ExecutionRecord {
    ExecutionRecord(id: UUID().uuidString.lowercased(), name: name, pipeline: "p", pipelinePath: "p.yaml", definition: "{}",
                    input: ["n": .string(name)], startTime: 100, owner: "me", leaseUntil: 200, leaseEpoch: 1)
  }

  /// Waits (polling, up to 30 s) until `condition` holds; false when it never did.
  func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<3000 {
      if condition() { return true }
      usleep(10_000)
    }
    return condition()
  }

  @Test func writersQueuedBehindATransactionShareTheNextOne_andAFailingWriteFailsAlone() throws {
    let store = try SQLiteStore(path: temporaryDirectory("flow-group").appendingPathComponent("flow.db").path)
    let existing = record("taken")
    try store.create(existing, events: [], scopes: [])
    let lost = LeaseFence(owner: "someone else", epoch: 7)
    let before = store.groupCommitCounts.groups

    // Eight writers: six new executions, one with a name already taken, one commit under a lease it does not hold.
    let records = (0..<6).map { record("new-\($0)") }
    let outcomes = Locked<[String: String]>([:])
    let done = DispatchGroup()
    func write(_ label: String, _ body: @escaping @Sendable () throws -> Void) {
      done.enter()
      Thread {
        let outcome: String
        do { try body(); outcome = "ok" } catch let error as StoreError { outcome = "\(error.code)" } catch { outcome = "\(error)" }
        outcomes.withLock { $0[label] = outcome }
        done.leave()
      }.start()
    }
    try store.withWriteLock {
      for record in records { write(record.name) { try store.create(record, events: [], scopes: []) } }
      write("duplicate") { try store.create(self.record("taken"), events: [], scopes: []) }
      write("fenced") {
        var batch = CommitBatch(executionId: existing.id)
        batch.events = [HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: 100, details: [:])]
        batch.fence = lost
        try store.commit(batch)
      }
      // One writer leads and waits for this lock; the seven others queue behind it.
      #expect(eventually { store.groupCommitCounts.queued == 7 })
    }
    done.wait()

    // The leader's transaction, then one for the seven others together.
    #expect(store.groupCommitCounts.groups - before == 2)
    let results = outcomes.value
    #expect(results["duplicate"] == "\(StoreError.Code.constraint)")
    #expect(results["fenced"] == "\(StoreError.Code.leaseLost)")
    for record in records {
      #expect(results[record.name] == "ok")
      #expect(try store.execution(record.id)?.name == record.name)
    }
    #expect(try store.events(of: existing.id, after: 0).isEmpty)
  }

  @Test func aLoneWriteCommitsInItsOwnTransaction() throws {
    let store = try SQLiteStore(path: temporaryDirectory("flow-group").appendingPathComponent("flow.db").path)
    let r = record("one")
    try store.create(r, events: [], scopes: [])
    let fence = try #require(try store.acquireLease(r.id, owner: "me", until: 300, now: 150))
    #expect(fence.epoch == 2)
    #expect(try store.renewLease(r.id, fence: fence, until: 400))
    #expect(try !store.renewLease(r.id, fence: LeaseFence(owner: "me", epoch: 1), until: 500))
    #expect(try store.execution(r.id)?.leaseUntil == 400)
    let counts = store.groupCommitCounts
    #expect(counts.queued == 0 && counts.groups == 4)
  }

  @Test func theFinishingCommitEndsTheLease_soReleasingItWritesNothing() throws {
    let path = try temporaryDirectory("flow-group").appendingPathComponent("flow.db").path
    let store = try SQLiteStore(path: path)
    let r = record("finishing")
    try store.create(r, events: [], scopes: [])
    let fence = LeaseFence(owner: "me", epoch: 1)
    var batch = CommitBatch(executionId: r.id)
    batch.finish = ExecutionFinish(status: .succeeded, output: ["ok": true], stopTime: 150)
    batch.fence = fence
    try store.commit(batch)
    #expect(try store.execution(r.id)?.leaseUntil == nil)
    func walSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1 }
    let before = try walSize()
    try store.releaseLease(r.id, fence: fence)
    #expect(try walSize() == before)
    #expect(try store.execution(r.id)?.status == .succeeded)
  }
}
