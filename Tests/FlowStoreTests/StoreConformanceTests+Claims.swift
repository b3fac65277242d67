import FlowCore
import FlowTesting
import Foundation
import Testing

/// Claims (`claimExecutions`), on every store: what is runnable, and two claimers never get the same execution.
extension StoreConformanceTests {
  func queued(_ name: String? = nil, parent: String? = nil, pipeline: String = "p", start: Double = 100,
              owner: String? = nil, lease: Double? = nil) -> ExecutionRecord {
    let id = UUID().uuidString.lowercased()
    return ExecutionRecord(id: id, name: name ?? id, pipeline: pipeline, pipelinePath: "p.yaml", definition: "{}",
                           input: [:], startTime: start, owner: owner, leaseUntil: lease, parentId: parent)
  }

  @Test(arguments: Kind.available) func claimsOnlyRunnableExecutions_oldestFirst_underANewEpoch(_ kind: Kind) throws {
    let store = try store(kind)
    let parent = queued(owner: "other", lease: 10_000)
    let old = queued(start: 50), expired = queued(start: 60, owner: "gone", lease: 400)
    let live = queued(start: 10, owner: "other", lease: 10_000)
    let pipelineChild = queued(parent: parent.id, start: 1)
    let mapChild = queued(MapRunChildName.name(parentId: parent.id, prefix: "root/M@0.0", index: 0), parent: parent.id, start: 70)
    for record in [parent, old, expired, live, pipelineChild, mapChild] { try store.create(record, events: [], scopes: []) }

    let first = try store.claimExecutions(owner: "w1", limit: 2, until: 9_000, now: 500, filter: ClaimFilter())
    #expect(first.map(\.record.id) == [old.id, expired.id])
    #expect(first.map(\.fence) == [LeaseFence(owner: "w1", epoch: 1), LeaseFence(owner: "w1", epoch: 1)])
    #expect(first.allSatisfy { $0.record.owner == "w1" && $0.record.leaseUntil == 9_000 })
    let rest = try store.claimExecutions(owner: "w2", limit: 10, until: 9_000, now: 500, filter: ClaimFilter())
    // The live lease and the flow:pipeline child (its parent waits for it) are not runnable.
    #expect(rest.map(\.record.id) == [mapChild.id])
    #expect(try store.claimExecutions(owner: "w3", limit: 10, until: 9_000, now: 500, filter: ClaimFilter()).isEmpty)

    // The claim's fence is the one commits pass with.
    var batch = CommitBatch(executionId: old.id)
    batch.events = [HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 1)]
    batch.fence = first[0].fence
    try store.commit(batch)
  }

  @Test(arguments: Kind.available) func claimsFilterByPipelineAndByMapRunParent(_ kind: Kind) throws {
    let store = try store(kind)
    let parent = queued(owner: "other", lease: 10_000), otherParent = queued(owner: "other", lease: 10_000)
    let mine = queued(MapRunChildName.name(parentId: parent.id, prefix: "root/M@0.0", index: 0), parent: parent.id)
    let theirs = queued(MapRunChildName.name(parentId: otherParent.id, prefix: "root/M@0.0", index: 0), parent: otherParent.id)
    let elsewhere = queued(pipeline: "q")
    for record in [parent, otherParent, mine, theirs, elsewhere] { try store.create(record, events: [], scopes: []) }
    let children = try store.claimExecutions(owner: "w", limit: 10, until: 9_000, now: 500, filter: ClaimFilter(parentId: parent.id))
    #expect(children.map(\.record.id) == [mine.id])
    let ofQ = try store.claimExecutions(owner: "w", limit: 10, until: 9_000, now: 500, filter: ClaimFilter(pipelines: ["q"]))
    #expect(ofQ.map(\.record.id) == [elsewhere.id])
    #expect(try store.claimExecutions(owner: "w", limit: 10, until: 9_000, now: 500, filter: ClaimFilter(pipelines: [])).isEmpty)
  }

  /// Eight claimers on two connections claim 60 queued executions at once, a few at a time, until none is left:
  /// every execution is claimed exactly once.
  @Test(arguments: TestStoreLocation.Backend.available) func concurrentClaimersNeverGetTheSameExecution(_ backend: TestStoreLocation.Backend) async throws {
    let location = try TestStoreLocation(backend)
    let first = try location.open(), second = try location.open()
    let records = (0..<60).map { queued(start: Double($0)) }
    for record in records { try first.create(record, events: [], scopes: []) }
    let claimed = await withTaskGroup(of: [String].self) { group in
      for worker in 0..<8 {
        let store = worker.isMultiple(of: 2) ? first : second
        group.addTask {
          var mine: [String] = [], errors = 0
          while true {
            do {
              let batch = try store.claimExecutions(owner: "worker-\(worker)", limit: 3, until: 10_000, now: 500, filter: ClaimFilter())
              if batch.isEmpty { return mine }
              mine += batch.map(\.record.id)
            } catch {
              // A busy store may refuse a claim now and then; one that keeps failing is a failure.
              errors += 1
              if errors > 50 {
                Issue.record("claims keep failing: \(error)")
                return mine
              }
            }
          }
        }
      }
      return await group.reduce(into: [String]()) { $0 += $1 }
    }
    #expect(claimed.count == records.count)
    #expect(Set(claimed) == Set(records.map(\.id)))
  }
}
