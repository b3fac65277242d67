import FlowCore
import FlowPostgres
import FlowStore
import Foundation
import Testing

/// What `flow server` keeps beyond executions (``StateMachineStore`` and ``ActivityStore``), checked on each
/// store (SQLite, and PostgreSQL when `FLOW_TEST_POSTGRES_URL` is set), so the two cannot drift apart.
@Suite struct ServerStoreTests {
  typealias Backend = TestStoreLocation.Backend

  func open(_ location: TestStoreLocation) throws -> any StepFunctionsStore {
    try #require(try location.open() as? any StepFunctionsStore, "the \(location.backend) store keeps no state machines")
  }

  func machine(_ name: String, revision: Int = 1, at time: Double = 10) -> StateMachineRecord {
    StateMachineRecord(name: name, definition: #"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#,
                       roleArn: "arn:aws:iam::123456789012:role/r", type: "STANDARD", description: "d\(revision)",
                       revision: revision, createdAt: 10, updatedAt: time)
  }

  func isCode(_ code: StoreError.Code) -> @Sendable (any Error) -> Bool { { ($0 as? StoreError)?.code == code } }

  @Test(arguments: Backend.available) func createsDescribesUpdatesAndDeletesAMachine(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    try store.createStateMachine(machine("b"))
    try store.createStateMachine(machine("a"))
    #expect(throws: StoreError.self) { try store.createStateMachine(machine("a", revision: 7)) }
    #expect(try store.stateMachine("a") == machine("a"))
    #expect(try store.stateMachine("zz") == nil)
    try store.updateStateMachine(machine("a", revision: 2, at: 20))
    #expect(try store.stateMachine("a") == machine("a", revision: 2, at: 20))
    #expect(performing: { try store.updateStateMachine(machine("missing")) }, throws: isCode(.notFound))
    #expect(try store.stateMachines().map(\.name) == ["a", "b"])
    #expect(try store.deleteStateMachine("a"))
    #expect(try !store.deleteStateMachine("a"))
    #expect(try store.stateMachines().map(\.name) == ["b"])
  }

  @Test(arguments: Backend.available) func publishesVersionsOncePerRevision_andKeepsAliases(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    #expect(try store.publishVersion(of: "m", description: nil, now: 1) == nil)
    try store.createStateMachine(machine("m"))
    let first = try #require(try store.publishVersion(of: "m", description: "first", now: 11))
    #expect(first.version == 1 && first.revision == 1 && first.description == "first")
    #expect(try store.publishVersion(of: "m", description: "again", now: 12) == first)
    try store.updateStateMachine(machine("m", revision: 2, at: 13))
    let second = try #require(try store.publishVersion(of: "m", description: nil, now: 14))
    #expect(second.version == 2 && second.revision == 2 && second.description == nil)
    #expect(try store.stateMachineVersions("m").map(\.version) == [2, 1])
    #expect(try store.stateMachineVersion("m", 1) == first)
    #expect(try store.stateMachineVersion("m", 3) == nil)

    let live = StateMachineAliasRecord(name: "m", alias: "live", description: "x",
                                       routing: [.init(version: 1, weight: 90), .init(version: 2, weight: 10)],
                                       createdAt: 20, updatedAt: 20)
    #expect(try store.createAlias(live) == live)
    var same = live
    same.createdAt = 99
    #expect(try store.createAlias(same) == live)
    var different = live
    different.routing = [.init(version: 2, weight: 100)]
    #expect(performing: { _ = try store.createAlias(different) }, throws: isCode(.constraint))
    different.updatedAt = 30
    try store.updateAlias(different)
    #expect(try store.alias("m", "live")?.routing == [.init(version: 2, weight: 100)])
    #expect(try store.alias("m", "live")?.updatedAt == 30)
    _ = try store.createAlias(StateMachineAliasRecord(name: "m", alias: "beta", description: nil,
                                                      routing: [.init(version: 1, weight: 100)], createdAt: 31, updatedAt: 31))
    #expect(try store.aliases("m").map(\.alias) == ["beta", "live"])
    #expect(try store.alias("m", "none") == nil)
  }

  @Test(arguments: Backend.available) func listsExecutionsOfAMachine_newestFirst_byPages(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    for (index, time) in [5.0, 7, 7, 9].enumerated() {
      try store.create(ExecutionRecord(id: "e\(index)", name: "n\(index)", pipeline: "m", pipelinePath: "", definition: "{}",
                                       status: index == 0 ? .succeeded : .running, input: [:], startTime: time),
                       events: [], scopes: [])
    }
    try store.create(ExecutionRecord(id: "other", name: "n0", pipeline: "x", pipelinePath: "", definition: "{}", input: [:],
                                     startTime: 8), events: [], scopes: [])
    #expect(try store.execution(pipeline: "m", name: "n0")?.id == "e0")
    #expect(try store.execution(pipeline: "x", name: "n0")?.id == "other")
    #expect(try store.execution(pipeline: "m", name: "nope") == nil)
    let page1 = try store.executions(pipeline: "m", status: nil, after: nil, limit: 2)
    #expect(page1.map(\.id) == ["e3", "e2"])
    let last = try #require(page1.last)
    let page2 = try store.executions(pipeline: "m", status: nil, after: ExecutionCursor(startTime: last.startTime, id: last.id), limit: 2)
    #expect(page2.map(\.id) == ["e1", "e0"])
    #expect(try store.executions(pipeline: "m", status: .succeeded, after: nil, limit: 10).map(\.id) == ["e0"])
  }

  /// Without Distributed Map children (named `PARENT/…`, with `parent_id` set), in the query: a `flow:pipeline`
  /// child (another name) stays listed, and so does every pipeline's execution when no pipeline is given.
  @Test(arguments: Backend.available) func listsExecutionsWithoutMapRunChildren_ofOneOrEveryPipeline(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    func create(_ id: String, name: String, pipeline: String = "m", parent: String? = nil, at time: Double) throws {
      try store.create(ExecutionRecord(id: id, name: name, pipeline: pipeline, pipelinePath: "", definition: "{}", input: [:],
                                       startTime: time, parentId: parent), events: [], scopes: [])
    }
    try create("p", name: "parent", at: 1)
    for i in 0..<3 { try create("c\(i)", name: MapRunChildName.name(parentId: "p", prefix: "M-0", index: i), parent: "p", at: 2 + Double(i)) }
    try create("nested", name: "nested", pipeline: "other", parent: "p", at: 6)
    try create("o", name: "o", pipeline: "other", at: 7)
    #expect(try store.executions(pipeline: "m", status: nil, after: nil, limit: 10).count == 4)
    #expect(try store.executions(pipeline: "m", status: nil, after: nil, limit: 1, excludingMapRunChildren: true).map(\.id) == ["p"])
    #expect(try store.executions(pipeline: nil, status: nil, after: nil, limit: 10, excludingMapRunChildren: true).map(\.id)
            == ["o", "nested", "p"])
    #expect(try store.executions(pipeline: nil, status: .running, after: ExecutionCursor(startTime: 7, id: "o"), limit: 10,
                                 excludingMapRunChildren: false).count == 5)
  }

  @Test(arguments: Backend.available) func keepsActivities_byName(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    #expect(try store.createActivity(ActivityRecord(name: "b", createdAt: 1)) == ActivityRecord(name: "b", createdAt: 1))
    // Creating it again answers the stored one (its first creation time).
    #expect(try store.createActivity(ActivityRecord(name: "b", createdAt: 5)) == ActivityRecord(name: "b", createdAt: 1))
    try store.createActivity(ActivityRecord(name: "a", createdAt: 2))
    try store.createActivity(ActivityRecord(name: "c", createdAt: 3))
    #expect(try store.activities(after: nil, limit: 2).map(\.name) == ["a", "b"])
    #expect(try store.activities(after: "b", limit: 2).map(\.name) == ["c"])
    #expect(try store.activity("a")?.createdAt == 2)
    #expect(try store.deleteActivity("a"))
    #expect(try !store.deleteActivity("a"))
    #expect(try store.activity("a") == nil)
  }

  /// An execution waiting on `count` activity tasks of `activity`, each with a pending callback token.
  func offerTasks(_ count: Int, activity: String, in store: any StepFunctionsStore, execution: String = "run") throws -> [String] {
    try store.create(ExecutionRecord(id: execution, name: execution, pipeline: "m", pipelinePath: "", definition: "{}",
                                     input: [:], startTime: 1), events: [], scopes: [])
    let tokens = (0..<count).map { "\(execution)-token-\($0)" }
    var batch = CommitBatch(executionId: execution)
    batch.tokens = tokens.map { TaskTokenRecord(token: $0, executionId: execution, stateName: "Work", heartbeat: 1) }
    try store.commit(batch)
    for (index, token) in tokens.enumerated() {
      try store.offerActivityTask(ActivityTaskRecord(token: token, activity: activity, executionId: execution, stateName: "Work",
                                                     input: ["n": .int(index)], createdAt: Double(index), deadline: 1_000))
    }
    return tokens
  }

  @Test(arguments: Backend.available) func handsOutActivityTasksOldestFirst_onceEach(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    let tokens = try offerTasks(2, activity: "work", in: store)
    #expect(try store.takeActivityTask(activity: "other", worker: "w", now: 2) == nil)
    let first = try #require(try store.takeActivityTask(activity: "work", worker: "w1", now: 2))
    #expect(first.token == tokens[0] && first.worker == "w1" && first.takenAt == 2 && first.input == ["n": 0])
    #expect(try store.activityTask(tokens[0])?.worker == "w1")
    #expect(try store.token(tokens[0])?.heartbeat == 2)
    // Offering a taken task again (a restarted server) does not offer it twice.
    try store.offerActivityTask(ActivityTaskRecord(token: tokens[0], activity: "work", executionId: "run", stateName: "Work",
                                                   input: [:], createdAt: 0))
    // A task past its deadline is not handed out.
    #expect(try store.takeActivityTask(activity: "work", worker: "w2", now: 2_000) == nil)
    #expect(try store.takeActivityTask(activity: "work", worker: "w2", now: 3)?.token == tokens[1])
    #expect(try store.takeActivityTask(activity: "work", worker: "w2", now: 4) == nil)
  }

  /// Two connections (as two `flow server` processes) take tasks at the same time: every task goes to exactly one.
  @Test(arguments: Backend.available) func givesEachActivityTaskToExactlyOneOfTwoConcurrentTakers(_ backend: Backend) async throws {
    let location = try TestStoreLocation(backend)
    let setup = try open(location)
    let tokens = try offerTasks(40, activity: "work", in: setup)
    let takers = [try open(location), try open(location)]
    let taken = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
      for (index, store) in takers.enumerated() {
        group.addTask {
          var mine: [String] = []
          while let task = try store.takeActivityTask(activity: "work", worker: "w\(index)", now: 5) { mine.append(task.token) }
          return (index, mine)
        }
      }
      // By worker index (the group answers in completion order).
      return try await group.reduce(into: [Int: [String]]()) { $0[$1.0] = $1.1 }
    }
    let all = taken.values.flatMap { $0 }
    #expect(all.count == tokens.count, "a task was given twice or not at all: \(taken.mapValues(\.count))")
    #expect(Set(all) == Set(tokens))
    for token in tokens {
      let worker = try #require(try setup.activityTask(token)?.worker)
      #expect(taken[Int(worker.dropFirst())!]?.contains(token) == true)
    }
  }

  @Test(arguments: Backend.available) func tagsAResource_replacingAKeySetAgain(_ backend: Backend) throws {
    let store = try open(TestStoreLocation(backend))
    let arn = "arn:aws:states:local:000000000000:stateMachine:m"
    try store.tag(arn, [(key: "team", value: "ml"), (key: "env", value: "dev")])
    try store.tag(arn, [(key: "env", value: "prod")])
    try store.tag("other", [(key: "x", value: "y")])
    #expect(try store.tags(of: arn).map { "\($0.key)=\($0.value)" } == ["env=prod", "team=ml"])
    try store.untag(arn, keys: ["team", "absent"])
    #expect(try store.tags(of: arn).map { "\($0.key)=\($0.value)" } == ["env=prod"])
    #expect(try store.tags(of: "other").count == 1)
  }
}
