import FlowCore
import Foundation
import Testing
@testable import FlowServer

/// Versions and aliases: publish, list, aliases with routing, StartExecution on a version or alias ARN.
@Suite struct VersionTests {
  let helper: ServiceTests
  init() throws { helper = try ServiceTests() }

  static func pass(_ value: Int) -> String {
    #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": \#(value), "End": true}}}"#
  }

  func run(_ arn: String) async throws -> JSONValue {
    let started = try await helper.call("StartExecution", ["stateMachineArn": .string(arn)])
    let ended = try await helper.waitForEnd(try #require(started["executionArn"]?.stringValue))
    return try JSONValue(parsing: ended["output"]?.stringValue ?? "")
  }

  @Test func publishListAliasAndStart() async throws {
    let machine = try await helper.create("versioned", Self.pass(1))
    let v1 = try await helper.call("PublishStateMachineVersion", ["stateMachineArn": .string(machine), "description": "first"])
    #expect(v1["stateMachineVersionArn"] == .string(machine + ":1"))
    // Publishing an unchanged machine answers the same version.
    #expect(try await helper.call("PublishStateMachineVersion", ["stateMachineArn": .string(machine)])["stateMachineVersionArn"] == .string(machine + ":1"))
    _ = try await helper.call("UpdateStateMachine", ["stateMachineArn": .string(machine), "definition": .string(Self.pass(2))])
    #expect(await helper.error("PublishStateMachineVersion", ["stateMachineArn": .string(machine), "revisionId": "1"]) == "ConflictException")
    let v2 = try await helper.call("PublishStateMachineVersion", ["stateMachineArn": .string(machine)])
    #expect(v2["stateMachineVersionArn"] == .string(machine + ":2"))
    _ = try await helper.call("UpdateStateMachine", ["stateMachineArn": .string(machine), "definition": .string(Self.pass(3))])

    let listed = try await helper.call("ListStateMachineVersions", ["stateMachineArn": .string(machine), "maxResults": 1])
    #expect(listed["stateMachineVersions"]?.arrayValue?.first?["stateMachineVersionArn"] == .string(machine + ":2"))
    let rest = try await helper.call("ListStateMachineVersions", ["stateMachineArn": .string(machine), "nextToken": listed["nextToken"] ?? .null])
    #expect(rest["stateMachineVersions"]?.arrayValue?.first?["stateMachineVersionArn"] == .string(machine + ":1"))
    #expect(rest["nextToken"] == nil)

    // A version runs its own definition; the machine its current one.
    #expect(try await run(machine + ":1") == 1)
    #expect(try await run(machine + ":2") == 2)
    #expect(try await run(machine) == 3)
    #expect(await helper.error("StartExecution", ["stateMachineArn": .string(machine + ":9")]) == "ResourceNotFound")

    let created = try await helper.call("CreateStateMachineAlias", [
      "name": "prod", "description": "live",
      "routingConfiguration": [["stateMachineVersionArn": .string(machine + ":1"), "weight": 100]],
    ])
    let alias = try #require(created["stateMachineAliasArn"]?.stringValue)
    #expect(alias == machine + ":prod")
    #expect(try await run(alias) == 1)
    _ = try await helper.call("UpdateStateMachineAlias", [
      "stateMachineAliasArn": .string(alias),
      "routingConfiguration": [["stateMachineVersionArn": .string(machine + ":1"), "weight": 0],
                               ["stateMachineVersionArn": .string(machine + ":2"), "weight": 100]],
    ])
    #expect(try await run(alias) == 2)
    let described = try await helper.call("DescribeStateMachineAlias", ["stateMachineAliasArn": .string(alias)])
    #expect(described["name"] == "prod")
    #expect(described["description"] == "live")
    #expect(described["routingConfiguration"]?.arrayValue?.count == 2)
    let aliases = try await helper.call("ListStateMachineAliases", ["stateMachineArn": .string(machine)])
    #expect(aliases["stateMachineAliases"]?.arrayValue?.first?["stateMachineAliasArn"] == .string(alias))
    #expect(await helper.error("CreateStateMachineAlias", [
      "name": "bad", "routingConfiguration": [["stateMachineVersionArn": .string(machine + ":1"), "weight": 50]],
    ]) == "ValidationException")
    #expect(await helper.error("DescribeStateMachineAlias", ["stateMachineAliasArn": .string(machine + ":none")]) == "ResourceNotFound")
    #expect(await helper.error("PublishStateMachineVersion",
                               ["stateMachineArn": "arn:aws:states:local:000000000000:stateMachine:from-file"]) == "ValidationException")
  }
}
