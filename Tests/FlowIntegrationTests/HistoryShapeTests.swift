import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow history --json` prints exactly what Step Functions' GetExecutionHistory returns, checked against botocore's
/// service model (`Fixtures/stepfunctions-history-model.json`): event types, the details member of each type, and
/// each detail field's name and JSON type.
@Suite struct HistoryShapeTests {
  static let model: JSONValue = {
    let url = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/stepfunctions-history-model.json")
    return (try? JSONValue(parsing: String(contentsOf: url, encoding: .utf8))) ?? .null
  }()

  @Test func everyEventTypeIsStepFunctionsOwn() {
    let types = Set(Self.model["types"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    #expect(Set(HistoryEventType.allCases.map(\.rawValue)) == types)
  }

  @Test func aRunsHistoryHasStepFunctionsShape() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: Prepare
      States:
        Prepare: {Type: Pass, Result: [1, 2], ResultPath: $.items, Assign: {n: 2}, Next: Fan}
        Fan:
          Type: Map
          ItemsPath: $.items
          ItemProcessor: {StartAt: Echo, States: {Echo: {Type: Task, Resource: flow:echo, TimeoutSeconds: 30, End: true}}}
          ResultPath: $.echoed
          Next: Both
        Both:
          Type: Parallel
          Branches:
            - {StartAt: Breaks, States: {Breaks: {Type: Fail, Error: Broken, Cause: on purpose}}}
          Catch: [{ErrorEquals: [States.ALL], ResultPath: $.error, Next: Pause}]
          Next: Pause
        Pause: {Type: Wait, Seconds: 0, Next: Pick}
        Pick: {Type: Choice, Choices: [{Variable: $.error.Error, StringEquals: Broken, Next: Done}]}
        Done: {Type: Succeed}
      """, to: "p.yaml")
    let run = try FlowBinary.run(["run", "p.yaml", "--json", "--store", "flow.db"], in: directory)
    #expect(run.json?["status"] == "SUCCEEDED")
    let id = try #require(run.json?["executionId"]?.stringValue)
    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", "flow.db"], in: directory).stdout)
    let events = try #require(history["events"]?.arrayValue)
    #expect(events.count > 20)
    let members = try #require(Self.model["members"]?.objectValue)
    let types = Set(Self.model["types"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    for event in events {
      let type = event["type"]?.stringValue ?? ""
      #expect(types.contains(type))
      for (key, value) in event.objectValue ?? [:] where key != "flow" {
        let shape = try #require(members[key], "\(type): '\(key)' is not a member of HistoryEvent")
        guard case .object(let fields) = shape else {
          #expect(value.isNumber || value.stringValue != nil, "\(type).\(key)")
          continue
        }
        for (field, fieldValue) in value.objectValue ?? [:] {
          let expected = try #require(fields[field]?.stringValue, "\(type).\(key): unknown field '\(field)'")
          switch expected {
          case "string": #expect(fieldValue.stringValue != nil, "\(type).\(key).\(field) must be a string")
          case "integer", "long": #expect(fieldValue.intValue != nil && fieldValue.isNumber, "\(type).\(key).\(field) must be a number")
          default: #expect(fieldValue.objectValue != nil, "\(type).\(key).\(field) must be an object")
          }
        }
      }
    }
    let typesSeen = events.compactMap { $0["type"]?.stringValue }
    for expected in ["MapIterationStarted", "TaskScheduled", "ParallelStateFailed", "WaitStateExited", "ChoiceStateEntered", "ExecutionSucceeded"] {
      #expect(typesSeen.contains(expected))
    }
    // Payloads are JSON text, as GetExecutionHistory sends them.
    let entered = try #require(events.first { $0["type"] == "PassStateEntered" })
    #expect(entered["stateEnteredEventDetails"]?["input"] == "{}")
  }
}
