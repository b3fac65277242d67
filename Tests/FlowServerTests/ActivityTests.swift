import FlowCore
import FlowDefinition
import FlowExecutor
import FlowStore
import FlowTesting
import Foundation
import Testing
@testable import FlowServer

/// Activities: CreateActivity … GetActivityTask, and Task states whose Resource is an activity ARN answered by a
/// worker through the task token it took.
@Suite struct ActivityTests {
  let directory: URL
  let store: SQLiteStore
  let service: StepFunctionsService
  let helper: ServiceTests

  init() throws {
    helper = try ServiceTests()
    (directory, store, service) = (helper.directory, helper.store, helper.service)
  }

  static func machine(_ activity: String, _ task: String = "", after: String = #""End": true"#) -> String {
    #"{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "\#(activity)", \#(task) \#(after)}"#
      + (after.contains("Next") ? #", "Rest": {"Type": "Wait", "Seconds": 60, "End": true}}}"# : "}}")
  }

  func activity(_ name: String) async throws -> String {
    let created = try await helper.call("CreateActivity", ["name": .string(name)])
    return try #require(created["activityArn"]?.stringValue)
  }

  func start(_ machine: String, _ input: String = "{}") async throws -> String {
    let started = try await helper.call("StartExecution", ["stateMachineArn": .string(machine), "input": .string(input)])
    return try #require(started["executionArn"]?.stringValue)
  }

  func status(_ executionArn: String) async throws -> JSONValue {
    try await helper.call("DescribeExecution", ["executionArn": .string(executionArn)])
  }

  @Test func createDescribeListDelete() async throws {
    let arn = try await activity("approve")
    #expect(arn == "arn:aws:states:local:000000000000:activity:approve")
    #expect(try await activity("approve") == arn)  // idempotent, as on AWS
    let described = try await helper.call("DescribeActivity", ["activityArn": .string(arn)])
    #expect(described["name"] == "approve")
    #expect(described["creationDate"]?.isNumber == true)
    for name in ["b", "c", "d"] { _ = try await activity(name) }
    var names: [String] = []
    var token: JSONValue = .null
    repeat {
      let page = try await helper.call("ListActivities", ["maxResults": 3, "nextToken": token])
      #expect((page["activities"]?.arrayValue?.count ?? 0) <= 3)
      names += page["activities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
      token = page["nextToken"] ?? .null
    } while token != .null
    #expect(names == ["approve", "b", "c", "d"])
    _ = try await helper.call("DeleteActivity", ["activityArn": .string(arn)])
    #expect(await helper.error("DescribeActivity", ["activityArn": .string(arn)]) == "ActivityDoesNotExist")
    #expect(await helper.error("GetActivityTask", ["activityArn": .string(arn)]) == "ActivityDoesNotExist")
    #expect(await helper.error("DescribeActivity", ["activityArn": "arn:aws:states:other:1:activity:x"]) == "InvalidArn")
    #expect(await helper.error("CreateActivity", ["name": "a b"]) == "InvalidName")
  }

  @Test func aWorkerTakesTheTaskAndAnswersIt() async throws {
    let activityArn = try await activity("approve")
    let machine = try await helper.create("approval", Self.machine(activityArn, #""Parameters": {"amount.$": "$.amount"},"#,
                                                                    after: #""Next": "Rest""#))
    // Nothing to do yet: the long poll ends with no token.
    let empty = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "w1"])
    #expect(empty == [:])
    let executionArn = try await start(machine, #"{"amount": 12}"#)
    var task = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "w1"])
    let token = try #require(task["taskToken"]?.stringValue)
    #expect(try JSONValue(parsing: task["input"]?.stringValue ?? "") == ["amount": 12])
    // Taken once: another worker gets nothing.
    task = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "w2"])
    #expect(task == [:])
    _ = try await helper.call("SendTaskHeartbeat", ["taskToken": .string(token)])
    _ = try await helper.call("SendTaskSuccess", ["taskToken": .string(token), "output": #"{"approved": true}"#])
    for _ in 0..<100 {
      let history = try await helper.call("GetExecutionHistory", ["executionArn": .string(executionArn)])
      if history["events"]?.arrayValue?.contains(where: { $0["type"] == "WaitStateEntered" }) == true { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    // Answered twice: TaskTimedOut (the execution still runs, in the Wait state).
    #expect(await helper.error("SendTaskSuccess", ["taskToken": .string(token), "output": "{}"]) == "TaskTimedOut")
    _ = try await helper.call("StopExecution", ["executionArn": .string(executionArn)])
    #expect(await helper.error("SendTaskSuccess", ["taskToken": .string(token), "output": "{}"]) == "TaskDoesNotExist")
  }

  /// The history of an activity task in AWS's names, with AWS's detail members; no Task* events.
  @Test func anActivityTaskHasActivityEventsInItsHistory() async throws {
    let activityArn = try await activity("audit")
    let machine = try await helper.create("audited", Self.machine(
      activityArn, #""Parameters": {"amount.$": "$.amount"}, "TimeoutSeconds": 60, "HeartbeatSeconds": 30,"#))
    let executionArn = try await start(machine, #"{"amount": 12}"#)
    var token: String?
    for _ in 0..<40 where token == nil {
      token = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "auditor-1"])["taskToken"]?.stringValue
    }
    _ = try await helper.call("SendTaskSuccess", ["taskToken": .string(try #require(token)), "output": #"{"ok": true}"#])
    #expect(try await helper.waitForEnd(executionArn)["status"] == "SUCCEEDED")
    let events = try await helper.call("GetExecutionHistory", ["executionArn": .string(executionArn)])["events"]?.arrayValue ?? []
    #expect(events.compactMap { $0["type"]?.stringValue } == [
      "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
      "ExecutionSucceeded",
    ])
    let scheduled = events.first { $0["type"] == "ActivityScheduled" }?["activityScheduledEventDetails"]
    #expect(scheduled?["resource"]?.stringValue == activityArn)
    #expect(try JSONValue(parsing: scheduled?["input"]?.stringValue ?? "") == ["amount": 12])
    #expect(scheduled?["timeoutInSeconds"] == 60)
    #expect(scheduled?["heartbeatInSeconds"] == 30)
    #expect(events.first { $0["type"] == "ActivityStarted" }?["activityStartedEventDetails"] == ["workerName": "auditor-1"])
    #expect(events.first { $0["type"] == "ActivitySucceeded" }?["activitySucceededEventDetails"]?["output"] == #"{"ok":true}"#)
  }

  /// With one worker, five executions waiting for activity workers leave it free: a Pass execution runs to its end
  /// meanwhile, and the five finish once answered.
  @Test func executionsWaitingForAWorkerHoldNoWorkerSlot() async throws {
    let single = try ServiceTests(workers: 1)
    let activityArn = try #require(try await single.call("CreateActivity", ["name": "queue"])["activityArn"]?.stringValue)
    let machine = try await single.create("queued", Self.machine(activityArn))
    var waiting: [String] = []
    for i in 0..<5 {
      let started = try await single.call("StartExecution", ["stateMachineArn": .string(machine), "input": .string(#"{"i": \#(i)}"#)])
      waiting.append(try #require(started["executionArn"]?.stringValue))
    }
    let pass = try await single.create("quick", ServiceTests.pass)
    let quick = try #require(try await single.call("StartExecution", ["stateMachineArn": .string(pass)])["executionArn"]?.stringValue)
    #expect(try await single.waitForEnd(quick)["status"] == "SUCCEEDED")
    #expect(await Self.eventually { single.service.runner.counts == (running: 0, awaiting: 5, queued: 0) })
    var answered = 0
    for _ in 0..<100 where answered < 5 {
      guard let token = try await single.call("GetActivityTask", ["activityArn": .string(activityArn)])["taskToken"]?.stringValue else { continue }
      _ = try await single.call("SendTaskSuccess", ["taskToken": .string(token), "output": #"{"done": true}"#])
      answered += 1
    }
    #expect(answered == 5)
    for executionArn in waiting { #expect(try await single.waitForEnd(executionArn)["status"] == "SUCCEEDED") }
    #expect(await Self.eventually { single.service.runner.counts == (running: 0, awaiting: 0, queued: 0) })
  }

  /// Whether `condition` holds within 5 s.
  static func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<100 {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
  }

  @Test func aFailureAnswerFailsTheTask() async throws {
    let activityArn = try await activity("check")
    let machine = try await helper.create("checking", Self.machine(activityArn))
    let executionArn = try await start(machine)
    var token: String?
    for _ in 0..<40 where token == nil {
      token = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn)])["taskToken"]?.stringValue
    }
    _ = try await helper.call("SendTaskFailure", ["taskToken": .string(try #require(token)), "error": "Bad", "cause": "no"])
    let ended = try await helper.waitForEnd(executionArn)
    #expect(ended["status"] == "FAILED")
    #expect(ended["error"] == "Bad")
    let history = try await helper.call("GetExecutionHistory", ["executionArn": .string(executionArn)])
    let failed = history["events"]?.arrayValue?.first { $0["type"] == "ActivityFailed" }
    #expect(failed?["activityFailedEventDetails"] == ["error": "Bad", "cause": "no"])
  }

  @Test func heartbeatAndTimeoutHold() async throws {
    let activityArn = try await activity("slow")
    // Taken but no heartbeat within 1 s: States.HeartbeatTimeout, caught into the Wait state; a late answer is TaskTimedOut.
    let beating = try await helper.create("beating", Self.machine(
      activityArn, #""HeartbeatSeconds": 1, "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.error", "Next": "Rest"}],"#,
      after: #""Next": "Rest""#))
    let first = try await start(beating)
    let task = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn)])
    let token = try #require(task["taskToken"]?.stringValue)
    var caught = false
    for _ in 0..<100 where !caught {
      let history = try await helper.call("GetExecutionHistory", ["executionArn": .string(first)])
      caught = history["events"]?.arrayValue?.contains { $0["type"] == "ActivityTimedOut" } == true
      if !caught { try await Task.sleep(for: .milliseconds(50)) }
    }
    #expect(caught)
    #expect(await helper.error("SendTaskSuccess", ["taskToken": .string(token), "output": "{}"]) == "TaskTimedOut")
    _ = try await helper.call("StopExecution", ["executionArn": .string(first)])
    // Never taken within TimeoutSeconds: States.Timeout.
    let timing = try await helper.create("timing", Self.machine(activityArn, #""TimeoutSeconds": 1,"#))
    let ended = try await helper.waitForEnd(try await start(timing))
    #expect(ended["status"] == "FAILED")
    #expect(ended["error"] == "States.Timeout")
  }

  @Test func anUnknownActivityFailsTheTask() async throws {
    let machine = try await helper.create("nobody", Self.machine("arn:aws:states:local:000000000000:activity:missing"))
    let ended = try await helper.waitForEnd(try await start(machine))
    #expect(ended["status"] == "FAILED")
    #expect(ended["error"] == "ActivityDoesNotExist")
  }

  @Test func aTakenTaskSurvivesARestartAndIsNotOfferedAgain() async throws {
    let activityArn = try await activity("durable")
    let machine = try await helper.create("durable", Self.machine(activityArn))
    let executionArn = try await start(machine, #"{"n": 1}"#)
    let task = try await helper.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "w"])
    let token = try #require(task["taskToken"]?.stringValue)
    await service.shutdown()
    // A new server over the same store resumes the execution once the old lease has run out.
    var options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"))
    options.leaseSeconds = 1
    options.tokenPollSeconds = 0.05
    options.logger.logLevel = .warning
    ActivityTasks.install(in: &options, store: store)
    var loader = PipelineLoader(knownResources: ["flow:echo"])
    loader.acceptsActivities = true
    let executor = Executor(store: store, steps: StepRegistry(), loader: loader, options: options)
    let next = StepFunctionsService(store: store, executor: executor, loader: loader, workers: 2, activityPollSeconds: 0.5)
    var resumed: [String] = []
    for _ in 0..<60 where resumed.isEmpty {
      try await Task.sleep(for: .milliseconds(100))
      resumed = try next.resumeInterrupted()
    }
    #expect(resumed.count == 1)
    let again = try await next.perform("GetActivityTask", ["activityArn": .string(activityArn)])
    #expect(again == [:])
    _ = try await next.perform("SendTaskSuccess", ["taskToken": .string(token), "output": #"{"done": 1}"#])
    var ended: JSONValue = .null
    for _ in 0..<100 {
      ended = try await next.perform("DescribeExecution", ["executionArn": .string(executionArn)])
      if ended["status"] != "RUNNING" { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(ended["status"] == "SUCCEEDED")
    #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == ["done": 1])
    await next.shutdown()
  }

  @Test func tagsOnMachinesAndActivities() async throws {
    let machine = try await helper.create("tagged", ServiceTests.pass)
    let activityArn = try await activity("tagged")
    for arn in [machine, activityArn] {
      _ = try await helper.call("TagResource", ["resourceArn": .string(arn), "tags": [["key": "team", "value": "ml"], ["key": "env", "value": "dev"]]])
      var tags = try await helper.call("ListTagsForResource", ["resourceArn": .string(arn)])
      #expect(tags["tags"] == [["key": "env", "value": "dev"], ["key": "team", "value": "ml"]])
      _ = try await helper.call("UntagResource", ["resourceArn": .string(arn), "tagKeys": ["env"]])
      tags = try await helper.call("ListTagsForResource", ["resourceArn": .string(arn)])
      #expect(tags["tags"] == [["key": "team", "value": "ml"]])
    }
    #expect(await helper.error("ListTagsForResource", ["resourceArn": "arn:aws:states:local:000000000000:activity:none"]) == "ResourceNotFound")
  }

  @Test func startSyncExecutionAnswersAtTheEnd() async throws {
    let machine = try await helper.create("sync", ServiceTests.pass)
    let done = try await helper.call("StartSyncExecution", ["stateMachineArn": .string(machine), "input": #"{"n": 1}"#])
    #expect(done["status"] == "SUCCEEDED")
    #expect(try JSONValue(parsing: done["output"]?.stringValue ?? "") == ["n": 1, "r": ["ok": true]])
    #expect(done["stopDate"]?.isNumber == true)
    let failing = try await helper.create("sync-fail", #"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "No", "Cause": "why"}}}"#)
    let failed = try await helper.call("StartSyncExecution", ["stateMachineArn": .string(failing)])
    #expect(failed["status"] == "FAILED")
    #expect(failed["error"] == "No")
  }
}
