import FlowCore
import FlowStore
import FlowTesting
import Foundation
import Testing
@testable import FlowServer

/// ListExecutions and Distributed Map children: a machine's listing leaves them out, `mapRunArn` (as the parent's
/// `MapRunStarted` event gives it) lists one Map Run's children.
@Suite struct MapRunListingTests {
  static let distributed = #"""
    {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Double",
        "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.v, $.v)"}, "End": true}}},
      "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "ResultPath": "$.doubled", "End": true}}}
    """#

  let server: ServiceTests
  init() throws { server = try ServiceTests(workers: 4) }

  /// Runs the Distributed Map machine on `items` to its end; returns its machine ARN, the execution's ARN and the
  /// Map Run ARN its history gives.
  func runMap(items: [Int]) async throws -> (machine: String, execution: String, mapRun: String) {
    let machine = try await server.create("mapper", Self.distributed)
    let started = try await server.call("StartExecution", ["stateMachineArn": .string(machine), "name": "parent",
                                                           "input": .string(#"{"items": \#(items)}"#)])
    let execution = try #require(started["executionArn"]?.stringValue)
    #expect(try await server.waitForEnd(execution)["status"] == "SUCCEEDED")
    let history = try await server.call("GetExecutionHistory", ["executionArn": .string(execution)])
    let mapRun = history["events"]?.arrayValue?.compactMap { $0["mapRunStartedEventDetails"]?["mapRunArn"]?.stringValue }.first
    return (machine, execution, try #require(mapRun))
  }

  /// The console lists executions as ListExecutions does: a parent with more Map Run children than a page holds
  /// is listed (the children, all newer, do not crowd it out), with or without the pipeline filter.
  @Test func theConsolesListLeavesMapRunChildrenOut() async throws {
    let (_, execution, _) = try await runMap(items: Array(0..<230))
    let console = Console(service: server.service, configuration: StepFunctionsServerConfiguration())
    for pipeline in ["mapper", nil] {
      let listed = try console.executions(pipeline: pipeline, status: nil)["executions"]?.arrayValue ?? []
      #expect(listed.compactMap { $0["name"]?.stringValue } == ["parent"], "\(pipeline ?? "every pipeline"): \(listed.count) listed")
    }
    #expect(execution.hasSuffix(":parent"))
  }

  @Test func aMachinesListingLeavesMapRunChildrenOut_andMapRunArnListsThem() async throws {
    let (machine, execution, mapRun) = try await runMap(items: [1, 2, 3])
    #expect(mapRun.hasPrefix("arn:aws:states:local:000000000000:mapRun:mapper/parent:M-"))
    // The store holds the parent and its three children; the machine's listing shows the parent only.
    #expect(try server.store.executions(pipeline: "mapper", status: nil, after: nil, limit: 10).count == 4)
    let listed = try await server.call("ListExecutions", ["stateMachineArn": .string(machine)])
    #expect(listed["executions"]?.arrayValue?.compactMap { $0["executionArn"]?.stringValue } == [execution])

    let children = try await server.call("ListExecutions", ["mapRunArn": .string(mapRun)])
    let items = try #require(children["executions"]?.arrayValue)
    #expect(items.count == 3)
    #expect(items.allSatisfy { $0["mapRunArn"]?.stringValue == mapRun && $0["status"] == "SUCCEEDED" })
    #expect(Set(items.compactMap { $0["name"]?.stringValue?.split(separator: "/").last.map(String.init) }) == ["0", "1", "2"])
    // Each child is an execution DescribeExecution knows.
    let child = try #require(items.first?["executionArn"]?.stringValue)
    #expect(try await server.call("DescribeExecution", ["executionArn": .string(child)])["status"] == "SUCCEEDED")

    // Pages of two, and the status filter.
    let first = try await server.call("ListExecutions", ["mapRunArn": .string(mapRun), "maxResults": 2])
    let token = try #require(first["nextToken"]?.stringValue)
    let second = try await server.call("ListExecutions", ["mapRunArn": .string(mapRun), "maxResults": 2, "nextToken": .string(token)])
    #expect(second["nextToken"] == nil)
    let paged = (first["executions"]?.arrayValue ?? []) + (second["executions"]?.arrayValue ?? [])
    #expect(paged.compactMap { $0["executionArn"]?.stringValue } == items.compactMap { $0["executionArn"]?.stringValue })
    let failed = try await server.call("ListExecutions", ["mapRunArn": .string(mapRun), "statusFilter": "FAILED"])
    #expect(failed["executions"]?.arrayValue?.isEmpty == true)
  }

  @Test func aMapRunArnThatIsWrongGetsAWSErrors() async throws {
    let (machine, _, mapRun) = try await runMap(items: [1])
    #expect(await server.error("ListExecutions", ["mapRunArn": .string(mapRun), "stateMachineArn": .string(machine)]) == "ValidationException")
    #expect(await server.error("ListExecutions", ["mapRunArn": "arn:aws:states:local:000000000000:stateMachine:mapper"]) == "InvalidArn")
    #expect(await server.error("ListExecutions", ["mapRunArn": .string(mapRun.replacingOccurrences(of: "/parent:", with: "/nobody:"))]) == "ResourceNotFound")
    #expect(await server.error("ListExecutions", ["mapRunArn": .string(mapRun + "0")]) == "ResourceNotFound")
    #expect(await server.error("ListExecutions", [:]) == "ValidationException")
  }

  @Test func mapRunArnsAreParsedWithTheirExecutionName() {
    let names = ResourceNames()
    let arn = names.mapRun(machine: "m", execution: "p/root/M@0.0/3", runId: "M-0123456789abcdef")
    #expect(arn == "arn:aws:states:local:000000000000:mapRun:m/p/root/M@0.0/3:M-0123456789abcdef")
    let parsed = names.mapRunNames(arn)
    #expect(parsed?.machine == "m" && parsed?.execution == "p/root/M@0.0/3" && parsed?.runId == "M-0123456789abcdef")
    #expect(names.mapRunNames("arn:aws:states:local:000000000000:mapRun:m:x") == nil)
    #expect(names.mapRunNames("arn:aws:states:other:000000000000:mapRun:m/p:x") == nil)
  }
}
