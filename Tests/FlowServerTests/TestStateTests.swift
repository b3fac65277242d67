import FlowCore
import Foundation
import Testing
@testable import FlowServer

/// TestState: one state run once (``StateTest`` through the service), each inspection stage checked against what
/// AWS documents for the example.
@Suite struct TestStateTests {
  let helper: ServiceTests

  init() throws { helper = try ServiceTests() }

  /// TestState at DEBUG with `definition` (a JSON object literal) and `input`.
  func test(_ definition: JSONValue, input: JSONValue = [:], _ extra: JSONObject = [:]) async throws -> JSONValue {
    var request: JSONObject = ["definition": .string(definition.serialized()), "input": .string(input.serialized()),
                               "inspectionLevel": "DEBUG", "roleArn": .string(ServiceTests.role)]
    request.merge(extra) { $1 }
    return try await helper.call("TestState", request)
  }

  /// A member of `inspectionData`, parsed (they are JSON texts).
  func stage(_ response: JSONValue, _ name: String) throws -> JSONValue? {
    try response["inspectionData"]?[name]?.stringValue.map { try JSONValue(parsing: $0) }
  }

  @Test func passAppliesInputPathParametersAndResultPathInOrder() async throws {
    let response = try await test(
      ["Type": "Pass", "InputPath": "$.order", "Parameters": ["total.$": "States.MathAdd($.price, $.tax)", "id.$": "$.id"],
       "ResultPath": "$.summary", "Next": "Bill"],
      input: ["order": ["id": "o-1", "price": 10, "tax": 2], "customer": "ada"])
    #expect(response["status"] == "SUCCEEDED")
    #expect(response["nextState"] == "Bill")
    #expect(try stage(response, "input") == ["order": ["id": "o-1", "price": 10, "tax": 2], "customer": "ada"])
    #expect(try stage(response, "afterInputPath") == ["id": "o-1", "price": 10, "tax": 2])
    #expect(try stage(response, "afterParameters") == ["total": 12, "id": "o-1"])
    #expect(try stage(response, "result") == ["total": 12, "id": "o-1"])
    let expected: JSONValue = ["order": ["id": "o-1", "price": 10, "tax": 2], "customer": "ada", "summary": ["total": 12, "id": "o-1"]]
    #expect(try stage(response, "afterResultPath") == expected)
    #expect(try response["output"]?.stringValue.map { try JSONValue(parsing: $0) } == expected)
  }

  @Test func choiceReportsTheNextStateItsRulesPick() async throws {
    let choice: JSONValue = ["Type": "Choice", "Choices": [["Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"]], "Default": "Small"]
    let big = try await test(choice, input: ["n": 12])
    #expect(big["status"] == "SUCCEEDED")
    #expect(big["nextState"] == "Big")
    #expect(big["output"]?.stringValue == #"{"n":12}"#)
    #expect(try await test(choice, input: ["n": 3])["nextState"] == "Small")
    let none = try await test(["Type": "Choice", "Choices": [["Variable": "$.n", "IsPresent": true, "Next": "Has"]]], input: [:])
    #expect(none["status"] == "FAILED")
    #expect(none["error"] == "States.NoChoiceMatched")
  }

  @Test func taskWithAMockedResultGoesThroughResultSelectorAndResultPath() async throws {
    // As AWS's example of a Lambda invocation, whose Payload the ResultSelector picks out.
    let task: JSONValue = [
      "Type": "Task", "Resource": "flow:echo",
      "Parameters": ["FunctionName": "price", "Payload.$": "$"],
      "ResultSelector": ["price.$": "$.Payload.price"], "ResultPath": "$.quote", "End": true,
    ]
    let response = try await test(task, input: ["item": "pen"],
                                  ["mock": ["result": #"{"StatusCode": 200, "Payload": {"price": 3}}"#]])
    #expect(response["status"] == "SUCCEEDED")
    #expect(response["nextState"] == nil)
    #expect(try stage(response, "afterParameters") == ["FunctionName": "price", "Payload": ["item": "pen"]])
    #expect(try stage(response, "result") == ["StatusCode": 200, "Payload": ["price": 3]])
    #expect(try stage(response, "afterResultSelector") == ["price": 3])
    #expect(try stage(response, "afterResultPath") == ["item": "pen", "quote": ["price": 3]])
    #expect(response["output"]?.stringValue == #"{"item":"pen","quote":{"price":3}}"#)
  }

  @Test func aMockedErrorCaughtByCatchIsCaughtErrorWithTheCatchersNextState() async throws {
    let task: JSONValue = [
      "Type": "Task", "Resource": "flow:echo", "Next": "Store",
      "Catch": [["ErrorEquals": ["Timeout"], "Next": "Later"],
                ["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"]],
    ]
    let response = try await test(task, input: ["id": 1],
                                  ["mock": ["errorOutput": ["error": "Lambda.Unknown", "cause": "it broke"]]])
    #expect(response["status"] == "CAUGHT_ERROR")
    #expect(response["nextState"] == "Handle")
    #expect(response["error"] == "Lambda.Unknown")
    #expect(response["cause"] == "it broke")
    #expect(response["inspectionData"]?["errorDetails"]?["catchIndex"] == 1)
    #expect(try response["output"]?.stringValue.map { try JSONValue(parsing: $0) }
            == ["id": 1, "error": ["Error": "Lambda.Unknown", "Cause": "it broke"]])
  }

  @Test func aRetriableErrorIsRetriableUntilItsRetrierIsSpent() async throws {
    let task: JSONValue = [
      "Type": "Task", "Resource": "flow:echo", "End": true,
      "Retry": [["ErrorEquals": ["Other"], "MaxAttempts": 1],
                ["ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2]],
    ]
    let failing: JSONObject = ["mock": ["errorOutput": ["error": "States.TaskFailed", "cause": "busy"]]]
    let first = try await test(task, input: [:], failing)
    #expect(first["status"] == "RETRIABLE")
    #expect(first["error"] == "States.TaskFailed")
    #expect(first["nextState"] == nil)
    #expect(first["inspectionData"]?["errorDetails"] == ["retryIndex": 1, "retryBackoffIntervalSeconds": 2])
    var again = failing
    again["stateConfiguration"] = ["retrierRetryCount": 1]
    #expect(try await test(task, input: [:], again)["inspectionData"]?["errorDetails"]?["retryBackoffIntervalSeconds"] == 6)
    again["stateConfiguration"] = ["retrierRetryCount": 2]
    let spent = try await test(task, input: [:], again)
    #expect(spent["status"] == "FAILED")
    #expect(spent["cause"] == "busy")
  }

  @Test func aJSONataStateAssignsVariables() async throws {
    let pass: JSONValue = [
      "Type": "Pass", "QueryLanguage": "JSONata", "Next": "After",
      "Assign": ["total": "{% $states.input.price * $states.input.qty + $fee %}"],
      "Output": "{% {'ok': true} %}",
    ]
    let response = try await test(pass, input: ["price": 2, "qty": 3], ["variables": #"{"fee": 1}"#])
    #expect(response["status"] == "SUCCEEDED")
    #expect(response["nextState"] == "After")
    #expect(response["output"]?.stringValue == #"{"ok":true}"#)
    #expect(try stage(response, "variables") == ["fee": 1, "total": 7])
    #expect(try stage(response, "afterInputPath") == nil)   // not populated for JSONata, as AWS documents
  }

  @Test func waitReportsItsNextStateWithoutWaitingAndInfoHasNoInspectionData() async throws {
    let started = Date()
    let response = try await helper.call("TestState", [
      "definition": .string(#"{"Type": "Wait", "Seconds": 3600, "Next": "Go"}"#), "input": #"{"a": 1}"#,
    ])
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(response["status"] == "SUCCEEDED")
    #expect(response["nextState"] == "Go")
    #expect(response["inspectionData"] == nil)
  }

  @Test func aStateOfAWholeMachineIsNamedByStateName() async throws {
    let machine = #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 7, "End": true}}}"#
    let response = try await helper.call("TestState", ["definition": .string(machine), "stateName": "B", "input": "{}"])
    #expect(response["status"] == "SUCCEEDED")
    #expect(response["output"] == "7")
    #expect(await helper.error("TestState", ["definition": .string(machine), "stateName": "C"]) == "ValidationException")
  }

  @Test func whatCannotBeTestedIsAValidationError() async throws {
    let task = #"{"Type": "Task", "Resource": "flow:echo", "End": true}"#
    #expect(await helper.error("TestState", ["definition": .string(task)]) == "ValidationException")
    #expect(await helper.error("TestState", ["definition": .string(task), "inspectionLevel": "LOUD",
                                             "mock": ["result": "{}"]]) == "ValidationException")
    #expect(await helper.error("TestState", ["definition": .string(task), "input": "{nope"]) == "InvalidExecutionInput")
    #expect(await helper.error("TestState", ["definition": "{\"Type\": \"Pass\", \"Next\": 3}"]) == "InvalidDefinition")
    #expect(await helper.error("TestState", ["definition": "[1]"]) == "InvalidDefinition")
    let reader = #"{"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}}, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#
    #expect(await helper.error("TestState", ["definition": .string(reader), "mock": ["result": "[]"]]) == "ValidationException")
    let parallel = #"{"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "ResultSelector": {"first.$": "$[0]"}, "End": true}"#
    let mocked = try await helper.call("TestState", ["definition": .string(parallel), "mock": ["result": #"[{"x": 1}]"#]])
    #expect(mocked["output"]?.stringValue == #"{"first":{"x":1}}"#)
  }
}
