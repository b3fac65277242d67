import FlowCore
import FlowDefinition
import FlowExecutor
import FlowStore
import FlowTesting
import Foundation
import Testing
@testable import FlowServer

/// The actions without sockets: a ``StepFunctionsService`` over a temporary SQLite store.
@Suite struct ServiceTests {
  static let role = "arn:aws:iam::000000000000:role/test"
  static let pass = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": true}, "ResultPath": "$.r", "Next": "B"}, "B": {"Type": "Succeed"}}}"#
  static let wait = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#
  static let callback = #"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "flow:echo.waitForTaskToken", "End": true}}}"#

  let directory: URL
  let store: SQLiteStore
  let service: StepFunctionsService

  init(workers: Int = 2) throws {
    (directory, store, service) = try Self.makeService(workers: workers)
  }

  /// A service over a new store in a temporary folder, with `flow:echo` and a pipelines folder holding
  /// `from-file` (a Pass state, `Flow.Parameters: {who: world}`).
  static func makeService(workers: Int = 2) throws -> (URL, SQLiteStore, StepFunctionsService) {
    let directory = try temporaryDirectory("flow-server")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try directory.write("Flow: {Name: from-file, Parameters: {who: world}}\nStartAt: Hi\nStates:\n  Hi: {Type: Pass, End: true}\n",
                        to: "pipelines/hello.yaml")
    let store = try SQLiteStore(path: directory.appendingPathComponent("flow.db").path, durability: .normal)
    var steps = StepRegistry()
    steps.register("flow:echo", ScriptedStep())
    steps.register("flow:flaky", ScriptedStep([.failure(StepFailure("Boom", cause: "the first call fails"))]))
    var options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"))
    options.leaseSeconds = 1
    options.tokenPollSeconds = 0.05
    options.logger.logLevel = .warning
    ActivityTasks.install(in: &options, store: store)
    var loader = PipelineLoader(knownResources: ["flow:echo", "flow:flaky"])
    loader.acceptsActivities = true
    let executor = Executor(store: store, steps: steps, loader: loader, options: options)
    let service = StepFunctionsService(store: store, executor: executor, loader: loader,
                                       pipelinesDirectory: directory.appendingPathComponent("pipelines").path, workers: workers,
                                       activityPollSeconds: 1)
    return (directory, store, service)
  }

  func call(_ action: String, _ input: JSONObject) async throws(StepFunctionsError) -> JSONValue {
    try await service.perform(action, .object(input))
  }

  /// The AWS error name `action` fails with, or nil when it succeeds.
  func error(_ action: String, _ input: JSONObject) async -> String? {
    do { _ = try await call(action, input); return nil } catch { return error.type }
  }

  func create(_ name: String, _ definition: String) async throws -> String {
    let created = try await call("CreateStateMachine", ["name": .string(name), "definition": .string(definition), "roleArn": .string(Self.role)])
    return try #require(created["stateMachineArn"]?.stringValue)
  }

  func waitForEnd(_ executionArn: String) async throws -> JSONValue {
    for _ in 0..<200 {
      let described = try await call("DescribeExecution", ["executionArn": .string(executionArn)])
      if described["status"] != "RUNNING" { return described }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("\(executionArn) did not end")
    return .null
  }

  /// On SQLite only DescribeExecution (a single read on the read connection) and StartExecution (whose commits
  /// wait on other threads) are answered on the request's thread; every other action goes to the blocking pool.
  @Test func onlyDescribeAndStartExecutionAreAnsweredInPlace() {
    let inPlace: Set = ["DescribeExecution", "StartExecution"]
    for action in StepFunctionsService.actions {
      #expect(service.answersInPlace(action) == inPlace.contains(action), "\(action)")
    }
  }

  /// With a worker free, StartExecution runs the new execution at once and its first commit creates it: a machine
  /// of Pass states costs one SQLite transaction, and it has ended when StartExecution answers.
  @Test func startingAMachineOfPassStatesCostsOneTransaction() async throws {
    let arn = try await create("passes", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}"#)
    let before = store.groupCommitCounts.groups
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "input": #"{"x":1}"#])
    #expect(store.groupCommitCounts.groups - before == 1)
    let described = try await call("DescribeExecution", ["executionArn": try #require(started["executionArn"])])
    #expect(described["status"] == "SUCCEEDED")
    #expect(described["output"] == #"{"x":1}"#)
  }

  @Test func createDescribeUpdateListDelete() async throws {
    let arn = try await create("hello", Self.pass)
    #expect(arn == "arn:aws:states:local:000000000000:stateMachine:hello")
    let described = try await call("DescribeStateMachine", ["stateMachineArn": .string(arn)])
    #expect(described["name"] == "hello")
    #expect(described["definition"]?.stringValue == Self.pass)
    #expect(described["roleArn"]?.stringValue == Self.role)
    #expect(described["type"] == "STANDARD")
    #expect(described["creationDate"]?.isNumber == true)
    // Creating it again identically answers the same machine; with another definition it is taken.
    #expect(try await create("hello", Self.pass) == arn)
    #expect(await error("CreateStateMachine", ["name": "hello", "definition": .string(Self.wait), "roleArn": .string(Self.role)])
            == "StateMachineAlreadyExists")
    let updated = try await call("UpdateStateMachine", ["stateMachineArn": .string(arn), "definition": .string(Self.wait)])
    #expect(updated["revisionId"] == "2")
    #expect(try await call("DescribeStateMachine", ["stateMachineArn": .string(arn)])["definition"]?.stringValue == Self.wait)

    // The pipeline file is a machine named by its Flow.Name, listed with the stored ones, by name.
    _ = try await create("zeta", Self.pass)
    let first = try await call("ListStateMachines", ["maxResults": 2])
    #expect(first["stateMachines"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["from-file", "hello"])
    let token = try #require(first["nextToken"]?.stringValue)
    let second = try await call("ListStateMachines", ["maxResults": 2, "nextToken": .string(token)])
    #expect(second["stateMachines"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["zeta"])
    #expect(second["nextToken"] == nil)

    _ = try await call("DeleteStateMachine", ["stateMachineArn": .string(arn)])
    #expect(await error("DescribeStateMachine", ["stateMachineArn": .string(arn)]) == "StateMachineDoesNotExist")
    #expect(await error("DescribeStateMachine", ["stateMachineArn": "arn:aws:states:elsewhere:1:stateMachine:x"]) == "InvalidArn")
  }

  /// `maxResults` outside 0…1000 is AWS's ValidationException, naming the bound it breaks.
  @Test func maxResultsOutOfRangeNamesTheBoundItBreaks() async throws {
    for (value, bound) in [(-1, "greater than or equal to 0"), (1001, "less than or equal to 1000")] {
      do {
        _ = try await call("ListStateMachines", ["maxResults": .int(value)])
        Issue.record("maxResults \(value) was accepted")
      } catch {
        #expect(error.type == "ValidationException")
        #expect(error.message == "1 validation error detected: Value '\(value)' at 'maxResults' failed to satisfy constraint: Member must have value \(bound)")
      }
    }
  }

  @Test func createStateMachineStoresItsTags() async throws {
    let created = try await call("CreateStateMachine", [
      "name": "tagged", "definition": .string(Self.pass), "roleArn": .string(Self.role),
      "tags": [["key": "team", "value": "ml"], ["key": "env", "value": "dev"]],
    ])
    let arn = try #require(created["stateMachineArn"]?.stringValue)
    let tags = try await call("ListTagsForResource", ["resourceArn": .string(arn)])
    #expect(tags["tags"] == [["key": "env", "value": "dev"], ["key": "team", "value": "ml"]])
    // A malformed tag list is refused before anything is created.
    #expect(await error("CreateStateMachine", ["name": "untagged", "definition": .string(Self.pass), "roleArn": .string(Self.role),
                                                "tags": [["value": "no key"]]]) == "SerializationException")
    #expect(await error("DescribeStateMachine", ["stateMachineArn": "arn:aws:states:local:000000000000:stateMachine:untagged"])
            == "StateMachineDoesNotExist")
  }

  @Test func anInvalidDefinitionGetsFlowsLocatedMessage() async throws {
    let bad = "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}}}"
    do {
      _ = try await call("CreateStateMachine", ["name": "bad", "definition": .string(bad), "roleArn": .string(Self.role)])
      Issue.record("an invalid definition was accepted")
    } catch {
      #expect(error.type == "InvalidDefinition")
      #expect(error.message.contains("bad.asl.json:2:"))
      #expect(error.message.contains("Nowhere"))
    }
    let validated = try await call("ValidateStateMachineDefinition", ["definition": .string(bad)])
    #expect(validated["result"] == "FAIL")
    let diagnostic = try #require(validated["diagnostics"]?.arrayValue?.first)
    #expect(diagnostic["severity"] == "ERROR")
    #expect(diagnostic["location"]?.stringValue?.hasPrefix("2:") == true)
    #expect(try await call("ValidateStateMachineDefinition", ["definition": .string(Self.pass)])["result"] == "OK")
  }

  @Test func startRunsToTheEndAndHistoryHasAWSShape() async throws {
    let arn = try await create("pass", Self.pass)
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "first", "input": #"{"n": 1}"#])
    let executionArn = try #require(started["executionArn"]?.stringValue)
    #expect(executionArn == "arn:aws:states:local:000000000000:execution:pass:first")
    let ended = try await waitForEnd(executionArn)
    #expect(ended["status"] == "SUCCEEDED")
    #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == ["n": 1, "r": ["ok": true]])
    #expect(ended["input"] == #"{"n":1}"#)
    #expect(ended["stopDate"]?.isNumber == true)

    let history = try await call("GetExecutionHistory", ["executionArn": .string(executionArn)])
    let events = try #require(history["events"]?.arrayValue)
    #expect(events.first?["type"] == "ExecutionStarted")
    #expect(events.last?["type"] == "ExecutionSucceeded")
    #expect(events.allSatisfy { $0["timestamp"]?.isNumber == true && $0["flow"] == nil })
    #expect(events.first?["executionStartedEventDetails"]?["input"] == #"{"n":1}"#)

    // Pages of 2, newest first with reverseOrder, and without payloads when asked.
    var ids: [Int] = []
    var token: String?
    repeat {
      var request: JSONObject = ["executionArn": .string(executionArn), "maxResults": 2, "reverseOrder": true]
      if let token { request["nextToken"] = .string(token) }
      let page = try await call("GetExecutionHistory", request)
      ids += page["events"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
      token = page["nextToken"]?.stringValue
    } while token != nil
    #expect(ids == Array((1...events.count).reversed()))
    let bare = try await call("GetExecutionHistory", ["executionArn": .string(executionArn), "includeExecutionData": false])
    #expect(bare["events"]?.arrayValue?.first?["executionStartedEventDetails"]?["input"] == nil)
    #expect(await error("GetExecutionHistory", ["executionArn": .string(executionArn), "nextToken": "%%%"]) == "InvalidToken")
  }

  @Test func redriveRunsAFailedExecutionAgainFromTheStateThatFailed() async throws {
    let definition = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "T"}, "T": {"Type": "Task", "Resource": "flow:flaky", "End": true}}}"#
    let arn = try await create("flaky", definition)
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "once"])
    let executionArn = try #require(started["executionArn"]?.stringValue)
    #expect(try await waitForEnd(executionArn)["status"] == "FAILED")
    let redriven = try await call("RedriveExecution", ["executionArn": .string(executionArn)])
    #expect(redriven["redriveDate"]?.isNumber == true)
    let ended = try await waitForEnd(executionArn)
    #expect(ended["status"] == "SUCCEEDED")
    #expect(ended["redriveCount"] == 1)
    #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == ["a": 1])
    // A running or succeeded execution cannot be redriven; an unknown one does not exist.
    #expect(await error("RedriveExecution", ["executionArn": .string(executionArn)]) == "ExecutionNotRedrivable")
    #expect(await error("RedriveExecution", ["executionArn": "arn:aws:states:local:000000000000:execution:flaky:none"]) == "ExecutionDoesNotExist")
  }

  @Test func anExecutionKeepsTheDefinitionItStartedWith() async throws {
    let arn = try await create("changing", Self.pass)
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "before"])
    let executionArn = try #require(started["executionArn"]?.stringValue)
    _ = try await waitForEnd(executionArn)
    _ = try await call("UpdateStateMachine", ["stateMachineArn": .string(arn), "definition": .string(Self.wait)])
    let ran = try await call("DescribeStateMachineForExecution", ["executionArn": .string(executionArn)])
    #expect(try JSONValue(parsing: ran["definition"]?.stringValue ?? "") == JSONValue(parsing: Self.pass))
    #expect(ran["name"] == "changing")
    #expect(ran["updateDate"]?.isNumber == true)
  }

  @Test func namesAreIdempotentAsOnAWS() async throws {
    let arn = try await create("waits", Self.wait)
    let first = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "once", "input": #"{"a": 1}"#])
    let again = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "once", "input": #"{"a":1}"#])
    #expect(first == again)
    #expect(await error("StartExecution", ["stateMachineArn": .string(arn), "name": "once", "input": #"{"a": 2}"#]) == "ExecutionAlreadyExists")
    #expect(await error("StartExecution", ["stateMachineArn": .string(arn), "name": "bad name"]) == "InvalidName")
    #expect(await error("StartExecution", ["stateMachineArn": .string(arn), "input": "{"]) == "InvalidExecutionInput")
    #expect(await error("StartExecution", ["stateMachineArn": "arn:aws:states:local:000000000000:stateMachine:none"]) == "StateMachineDoesNotExist")

    let executionArn = try #require(first["executionArn"]?.stringValue)
    let stopped = try await call("StopExecution", ["executionArn": .string(executionArn), "error": "Halt", "cause": "test"])
    #expect(stopped["stopDate"]?.isNumber == true)
    // The process running it notices at its next lease renewal (a third of the lease time).
    let described = try await waitForEnd(executionArn)
    #expect(described["status"] == "ABORTED")
    #expect(described["error"] == "Halt")
    // An ended execution keeps its name: starting it again is refused.
    #expect(await error("StartExecution", ["stateMachineArn": .string(arn), "name": "once", "input": #"{"a": 1}"#]) == "ExecutionAlreadyExists")
    #expect(await error("DescribeExecution", ["executionArn": "arn:aws:states:local:000000000000:execution:waits:nobody"]) == "ExecutionDoesNotExist")
  }

  /// At most `workers` (2 here) executions run at once; the others are RUNNING in the store and wait their turn.
  @Test func workersBoundHowManyRunAtOnce() async throws {
    let arn = try await create("waiting", Self.wait)
    var arns: [String] = []
    for i in 0..<3 {
      let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": .string("w-\(i)")])
      arns.append(try #require(started["executionArn"]?.stringValue))
    }
    #expect(service.runner.counts == (running: 2, awaiting: 0, queued: 1))
    for executionArn in arns {
      #expect(try await call("DescribeExecution", ["executionArn": .string(executionArn)])["status"] == "RUNNING")
    }
    // Stopping the running ones frees the workers; the waiting one then starts, sees its stop and ends ABORTED.
    for executionArn in arns { _ = try await call("StopExecution", ["executionArn": .string(executionArn)]) }
    for executionArn in arns { #expect(try await waitForEnd(executionArn)["status"] == "ABORTED") }
  }

  @Test func listExecutionsPagesAndFilters() async throws {
    let arn = try await create("many", Self.pass)
    var arns: [String] = []
    for i in 0..<5 {
      let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": .string("run-\(i)")])
      arns.append(try #require(started["executionArn"]?.stringValue))
    }
    for executionArn in arns { _ = try await waitForEnd(executionArn) }
    var names: [String] = []
    var token: String?
    var pages = 0
    repeat {
      var request: JSONObject = ["stateMachineArn": .string(arn), "maxResults": 2, "statusFilter": "SUCCEEDED"]
      if let token { request["nextToken"] = .string(token) }
      let page = try await call("ListExecutions", request)
      names += page["executions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
      token = page["nextToken"]?.stringValue
      pages += 1
    } while token != nil
    #expect(pages == 3)
    #expect(Set(names) == Set((0..<5).map { "run-\($0)" }))
    #expect(names.count == 5)
    #expect(try await call("ListExecutions", ["stateMachineArn": .string(arn), "statusFilter": "RUNNING"])["executions"] == [])
    #expect(await error("ListExecutions", ["stateMachineArn": .string(arn), "statusFilter": "NOPE"]) == "ValidationException")
  }

  @Test func taskTokensAreAnsweredThroughTheAPI() async throws {
    let arn = try await create("ask", Self.callback)
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "name": "ask-1"])
    let executionArn = try #require(started["executionArn"]?.stringValue)
    var token: String?
    for _ in 0..<200 where token == nil {
      token = try store.pendingTokens().first?.token
      if token == nil { try await Task.sleep(for: .milliseconds(25)) }
    }
    let pending = try #require(token)
    _ = try await call("SendTaskHeartbeat", ["taskToken": .string(pending)])
    #expect(await error("SendTaskSuccess", ["taskToken": .string(pending), "output": "{"]) == "InvalidOutput")
    _ = try await call("SendTaskSuccess", ["taskToken": .string(pending), "output": #"{"answer": 42}"#])
    let ended = try await waitForEnd(executionArn)
    #expect(ended["status"] == "SUCCEEDED")
    #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == ["answer": 42])
    #expect(await error("SendTaskSuccess", ["taskToken": .string(pending), "output": "{}"]) == "TaskDoesNotExist")
    #expect(await error("SendTaskFailure", ["taskToken": "not-a-token"]) == "InvalidToken")
    #expect(await error("SendTaskHeartbeat", [:]) == "ValidationException")
  }

  @Test func aPipelineFileRunsWithItsParameters() async throws {
    let arn = "arn:aws:states:local:000000000000:stateMachine:from-file"
    let started = try await call("StartExecution", ["stateMachineArn": .string(arn), "input": #"{"n": 2}"#])
    let ended = try await waitForEnd(try #require(started["executionArn"]?.stringValue))
    #expect(try JSONValue(parsing: ended["output"]?.stringValue ?? "") == ["who": "world", "n": 2])
    #expect(await error("DeleteStateMachine", ["stateMachineArn": .string(arn)]) == "ValidationException")
  }

  @Test func protocolDecodingAndUnknownActions() async throws {
    #expect(await error("DeleteStateMachineVersion", [:]) == "UnknownOperationException")
    func decodeError(_ target: String?, _ body: String, type: String? = "application/x-amz-json-1.0") -> String? {
      do { _ = try AWSJSONProtocol.decode(target: target, contentType: type, body: Array(body.utf8)); return nil } catch { return error.type }
    }
    #expect(decodeError(nil, "{}") == "UnknownOperationException")
    #expect(decodeError("Other.ListStateMachines", "{}") == "UnknownOperationException")
    #expect(decodeError("AWSStepFunctions.ListStateMachines", "[1]") == "SerializationException")
    #expect(decodeError("AWSStepFunctions.ListStateMachines", "{") == "SerializationException")
    #expect(decodeError("AWSStepFunctions.ListStateMachines", "{}", type: "text/plain") == "SerializationException")
    let decoded = try AWSJSONProtocol.decode(target: "AWSStepFunctions.ListStateMachines", contentType: nil, body: [])
    #expect(decoded.action == "ListStateMachines")
    #expect(AWSJSONProtocol.encode(StepFunctionsError("ExecutionDoesNotExist", "gone")) == #"{"__type":"ExecutionDoesNotExist","message":"gone"}"#)
  }
}
