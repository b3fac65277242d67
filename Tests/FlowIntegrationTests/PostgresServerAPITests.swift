import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow server --store postgresql://…`: the Step Functions API on the PostgreSQL store, through the binary and
/// HTTP, and two servers on one database handing each activity task to exactly one poller.
@Suite(.serialized, .enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                             "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL server tests were skipped"))
struct PostgresServerAPITests {
  /// A machine that passes, then waits for a worker of `activityArn`.
  func definition(activity activityArn: String) -> String {
    JSONValue.object([
      "StartAt": "Prep",
      "States": [
        "Prep": ["Type": "Pass", "Result": ["prepared": true], "ResultPath": "$.prep", "Next": "Review"],
        "Review": ["Type": "Task", "Resource": .string(activityArn), "TimeoutSeconds": 300, "End": true],
      ],
    ]).serialized()
  }

  @Test func theAPIRunsAMachineWithAnActivityOnPostgres() async throws {
    let store = try PostgresTestURL.fresh()
    let directory = try temporaryDirectory("flow-pg-server")
    let server = try RunningServer(store: store, in: directory)
    let activity = try await server.call("CreateActivity", ["name": "review"])
    let activityArn = try #require(activity["activityArn"]?.stringValue)
    let created = try await server.call("CreateStateMachine", [
      "name": "reviewed", "definition": .string(definition(activity: activityArn)),
      "roleArn": "arn:aws:iam::000000000000:role/flow",
    ])
    let machineArn = try #require(created["stateMachineArn"]?.stringValue)
    let described = try await server.call("DescribeStateMachine", ["stateMachineArn": .string(machineArn)])
    #expect(described["name"] == "reviewed")
    let listed = try await server.call("ListStateMachines", [:])
    #expect(listed["stateMachines"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["reviewed"])

    let started = try await server.call("StartExecution", ["stateMachineArn": .string(machineArn), "name": "first",
                                                          "input": #"{"doc": 7}"#])
    let executionArn = try #require(started["executionArn"]?.stringValue)
    let task = try await server.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": "pyworker"])
    let token = try #require(task["taskToken"]?.stringValue, "no task: \(task)")
    #expect(try JSONValue(parsing: try #require(task["input"]?.stringValue)) == ["doc": 7, "prep": ["prepared": true]])
    _ = try await server.call("SendTaskSuccess", ["taskToken": .string(token), "output": #"{"approved": true}"#])

    let finished = try await server.waitForStatus(executionArn, "SUCCEEDED")
    #expect(try JSONValue(parsing: finished["output"]?.stringValue ?? "null") == ["approved": true])
    let history = try await server.call("GetExecutionHistory", ["executionArn": .string(executionArn)])
    let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
    #expect(types.first == "ExecutionStarted")
    // The activity's answer is in the history (as `TaskSucceeded`, or AWS's `ActivitySucceeded`).
    #expect(types.contains { $0 == "TaskSucceeded" || $0 == "ActivitySucceeded" }, "\(types)")
    #expect(types.last == "ExecutionSucceeded")
    // Everything is in PostgreSQL: no SQLite file was made.
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".flow/flow.db").path))
  }

  /// Two `flow server` processes on one database: executions started on one, their activity tasks polled through
  /// both at once; each task goes to exactly one poller, and answers sent to either server finish the executions.
  @Test func twoServersOnOneDatabaseGiveEachActivityTaskToExactlyOnePoller() async throws {
    let store = try PostgresTestURL.fresh()
    let directory = try temporaryDirectory("flow-pg-servers")
    // Enough workers that every execution reaches its activity task at once (the default runs 4 at a time).
    let one = try RunningServer(store: store, in: directory, arguments: ["--workers", "16"])
    let two = try RunningServer(store: store, in: directory, arguments: ["--workers", "16"])
    let activityArn = try #require(try await one.call("CreateActivity", ["name": "work"])["activityArn"]?.stringValue)
    let machineArn = try #require(try await one.call("CreateStateMachine", [
      "name": "worked", "definition": .string(definition(activity: activityArn)), "roleArn": "arn:aws:iam::000000000000:role/flow",
    ])["stateMachineArn"]?.stringValue)
    // The second server sees the machine the first created.
    #expect(try await two.call("DescribeStateMachine", ["stateMachineArn": .string(machineArn)])["name"] == "worked")

    let count = 8
    var executions: [String] = []
    for index in 0..<count {
      let started = try await one.call("StartExecution", ["stateMachineArn": .string(machineArn), "name": .string("e\(index)"),
                                                          "input": .string(#"{"n": \#(index)}"#)])
      executions.append(try #require(started["executionArn"]?.stringValue))
    }
    // As many pollers as tasks, half on each server, all at once: a task handed out twice would leave one poller
    // with nothing (after the 60 s long poll) and a token twice.
    let tokens = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
      for index in 0..<count {
        let server = index.isMultiple(of: 2) ? one : two
        group.addTask {
          let task = try await server.call("GetActivityTask", ["activityArn": .string(activityArn), "workerName": .string("w\(index)")])
          return (index, task["taskToken"]?.stringValue)
        }
      }
      return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
    }
    let given = tokens.compactMap(\.1)
    #expect(given.count == count, "pollers without a task: \(tokens.filter { $0.1 == nil }.map(\.0))")
    #expect(Set(given).count == given.count, "a task was given to two pollers")
    for (index, token) in given.enumerated() {
      let server = index.isMultiple(of: 2) ? two : one
      _ = try await server.call("SendTaskSuccess", ["taskToken": .string(token), "output": #"{"done": true}"#])
    }
    for arn in executions { _ = try await one.waitForStatus(arn, "SUCCEEDED") }
  }
}
