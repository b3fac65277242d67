import FlowCore
import Foundation
import Testing

@testable import FlowDefinition

@Suite struct EquivalenceTests {
  static let yaml = """
    Comment: same machine
    StartAt: Check
    States:
      Check:
        Type: Choice
        Choices:
          - Variable: $.n
            NumericGreaterThan: 1.5
            Next: Big
        Default: Small
      Big: {Type: Pass, Result: {size: big, n: [1, 2.5, null, true]}, End: true}
      Small:
        Type: Task
        Resource: flow:echo
        Retry: [{ErrorEquals: [States.ALL], MaxAttempts: 2}]
        End: true
    """

  @Test func yamlAndJSONGiveTheSameMachineAndDocument() throws {
    let fromYAML = try load(Self.yaml, path: "p.yaml")
    let json = fromYAML.document.serialized(pretty: true)
    let fromJSON = try load(json, path: "p.json")
    #expect(fromYAML.document == fromJSON.document)
    #expect(fromYAML.machine.order == fromJSON.machine.order)
    #expect(fromYAML.machine.startAt == fromJSON.machine.startAt)
    #expect(renderGraph(fromYAML.machine, format: .dot) == renderGraph(fromJSON.machine, format: .dot))
    let retry = try state("Small", in: fromJSON).retry
    #expect(retry.map(\.maxAttempts) == [2])
  }

  @Test func storedDocumentLoadsBackToTheSameMachine() throws {
    let original = try load(Self.yaml, path: "pipelines/p.yaml")
    let reloaded = try testLoader.load(document: original.document, path: "pipelines/p.yaml")
    #expect(reloaded.document == original.document)
    #expect(reloaded.name == "p")
    #expect(renderGraph(reloaded.machine, format: .mermaid) == renderGraph(original.machine, format: .mermaid))
  }

  @Test func storedDocumentErrorsHaveNoPosition() {
    let broken: JSONValue = ["StartAt": "A", "States": ["A": ["Type": "Pass", "Next": "B"]]]
    #expect {
      try testLoader.load(document: broken, path: "stored.json")
    } throws: { error in
      guard let error = error as? DefinitionError else { return false }
      return error.diagnostics.contains { $0.code == .unknownState && $0.location == nil }
    }
  }

  @Test func jsonFilesAreReadAsJSON() {
    // YAML would accept this; JSON must not.
    #expect(errors("StartAt: A\nStates: {A: {Type: Succeed}}", path: "p.json").map(\.code) == [.syntaxError])
  }
}
