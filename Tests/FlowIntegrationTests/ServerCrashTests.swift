import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow server` killed with SIGKILL while clients start executions through it, then started again on the same
/// SQLite store.
@Suite struct ServerCrashTests {
  static let machine = JSONValue.object([
    "StartAt": "First",
    "States": [
      "First": ["Type": "Pass", "Result": 1, "ResultPath": "$.first", "Next": "Pause"],
      "Pause": ["Type": "Wait", "Seconds": 1, "Next": "Last"],
      "Last": ["Type": "Pass", "Result": 2, "ResultPath": "$.last", "End": true],
    ],
  ]).serialized()

  static let wholeHistory = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
                             "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]

  /// Every StartExecution that was answered names an execution the next server finishes; one the kill cut off
  /// either exists whole (it was stored, its answer lost) or not at all; and each execution's history is whole,
  /// every state entered once.
  @Test func aServerKilledWhileStartingExecutionsLeavesEachStartWholeOrAbsent() async throws {
    let directory = try temporaryDirectory("flow-server-kill")
    let store = directory.appendingPathComponent("flow.db").path
    let first = try RunningServer(store: store, in: directory, arguments: ["--workers", "4", "--quiet"])
    let machineArn = try #require(try await first.call("CreateStateMachine", [
      "name": "paused", "definition": .string(Self.machine), "roleArn": "arn:aws:iam::000000000000:role/flow",
    ])["stateMachineArn"]?.stringValue)

    // Four clients start up to 50 named executions each as fast as the server answers, until a call fails (the kill).
    let answered = Locked<[String]>([])
    let cutOff = Locked<[String]>([])
    let clients = (0..<4).map { client in
      Task {
        for index in 0..<50 {
          let name = "c\(client)-\(index)"
          do {
            _ = try await first.call("StartExecution", ["stateMachineArn": .string(machineArn), "name": .string(name)])
            answered.withLock { $0.append(name) }
          } catch {
            cutOff.withLock { $0.append(name) }
            return
          }
        }
      }
    }
    try await Task.sleep(for: .milliseconds(Int.random(in: 200...700)))
    first.kill()
    for client in clients { await client.value }
    let started = answered.withLock { $0 }
    #expect(!started.isEmpty, "no StartExecution was answered before the kill")

    let second = try RunningServer(store: store, in: directory, arguments: ["--workers", "16", "--quiet"])
    let arn = { (name: String) in "arn:aws:states:local:000000000000:execution:paused:\(name)" }
    var existing = started
    for name in cutOff.withLock({ $0 }) {
      let reply = try await second.send("DescribeExecution", ["executionArn": .string(arn(name))])
      if reply.status == 200 {
        existing.append(name)
      } else {
        #expect(reply.text.contains("ExecutionDoesNotExist"), "\(name): \(reply.status) \(reply.text)")
      }
    }
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline, !(try await second.call("ListExecutions", [
      "stateMachineArn": .string(machineArn), "statusFilter": "RUNNING",
    ])["executions"]?.arrayValue?.isEmpty ?? false) {
      try await Task.sleep(for: .milliseconds(200))
    }
    for name in existing {
      let described = try await second.call("DescribeExecution", ["executionArn": .string(arn(name))])
      #expect(described["status"] == "SUCCEEDED", "\(name): \(described)")
      let history = try await second.call("GetExecutionHistory", ["executionArn": .string(arn(name)), "maxResults": 1000])
      let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
      #expect(types == Self.wholeHistory, "\(name)")
    }
    // Nothing else was stored: no execution without a name its client sent.
    let listed = try await second.call("ListExecutions", ["stateMachineArn": .string(machineArn), "maxResults": 1000])
    let names = listed["executions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    #expect(Set(names) == Set(existing))
    #expect(names.count == existing.count)
  }
}
