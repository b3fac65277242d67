import FlowCore
import Foundation
import Testing

@testable import FlowDefinition

/// Definitions written to exhaust memory or stack, absurd literals, and every problem of a Parameters block:
/// each is a located error, never a crash.
@Suite struct HostileDefinitionTests {
  /// Nine levels of nine aliases: 9^9 (387 million) nodes once expanded, from about 400 bytes.
  static let aliasBomb: String = {
    var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (previous, name) in zip(names, names.dropFirst()) {
      lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  @Test func anAliasBombIsRejectedWithALocatedError() {
    var diagnostics: [Diagnostic] = []
    let node = YAMLReader(path: "bomb.yaml").read(Self.aliasBomb, into: &diagnostics)
    #expect(node == nil)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.message.contains("more than") == true)
    #expect(diagnostics.first?.location != nil)
    #expect(Self.aliasBomb.utf8.count < 500)
  }

  @Test func aFewAliasesAreStillExpanded() throws {
    var diagnostics: [Diagnostic] = []
    let node = YAMLReader(path: "t.yaml").read("a: &a [1, 2]\nb: [*a, *a, *a]\n", into: &diagnostics)
    #expect(diagnostics.isEmpty)
    #expect(node?.json == ["a": [1, 2], "b": [[1, 2], [1, 2], [1, 2]]])
  }

  @Test(arguments: ["a: 1e999\n", "a: -1e999\n", "a: 123456789012345678901234567890e300\n"])
  func numbersBeyondADoubleAreRejected(text: String) {
    var diagnostics: [Diagnostic] = []
    _ = YAMLReader(path: "t.yaml").read(text, into: &diagnostics)
    #expect(diagnostics.map(\.code) == [.invalidValue])
    #expect(diagnostics.first?.location?.line == 1)
  }

  @Test func deepNestingOfCallsAndFilterParenthesesIsAnErrorNamingTheLimit() {
    let calls = String(repeating: "States.Array(", count: 40_000) + String(repeating: ")", count: 40_000)
    let callErrors = errors(singleState("Type: Pass\nParameters: {x.$: '\(calls)'}\nNext: Done"))
    #expect(callErrors.count == 1)
    #expect(callErrors.first?.message.contains("100 levels") == true, "\(callErrors)")
    let filter = "$.a[?(" + String(repeating: "(", count: 40_000) + "@.b" + String(repeating: ")", count: 40_000) + ")]"
    let filterErrors = errors(singleState("Type: Pass\nInputPath: '\(filter)'\nNext: Done"))
    #expect(filterErrors.count == 1)
    #expect(filterErrors.first?.message.contains("100 levels") == true, "\(filterErrors)")
  }

  @Test func anAbsurdBackoffRateIsAValidationError() {
    let found = errors(singleState("Type: Task\nResource: flow:echo\nNext: Done\nRetry: [{ErrorEquals: [States.ALL], BackoffRate: 1e30}]"))
    #expect(found.map(\.code) == [.invalidRetry])
  }

  @Test func mapLimitsBeyondWhatAWSAcceptsAreValidationErrors() {
    let found = errors(singleState("""
      Type: Map
      Next: Done
      MaxConcurrency: 9223372036854775807
      ToleratedFailureCount: 3000000000
      ItemBatcher: {MaxItemsPerBatch: 9223372036854775807, MaxInputBytesPerBatch: 262145}
      ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
      """))
    #expect(found.map(\.code) == [.invalidValue, .invalidValue, .invalidValue, .invalidValue], "\(found)")
  }

  @Test func everyBadMemberOfAParametersBlockIsReported_withArityErrors() {
    let found = errors(singleState("""
      Type: Pass
      Next: Done
      Parameters:
        a.$: States.ArrayRange(1, 2)
        b.$: States.UUID(1)
        c.$: States.ArrayGetItem($.a)
        d.$: $.[
        e.$: States.Array(States.MathAdd(1))
      """))
    #expect(found.count == 5, "\(found)")
    #expect(found.map(\.location?.line) == [7, 8, 9, 10, 11])
    #expect(found[0].message.contains("States.ArrayRange takes 3 arguments, got 2"))
    #expect(found[1].message.contains("States.UUID takes 0 arguments, got 1"))
    #expect(found[4].message.contains("States.MathAdd takes 2 arguments, got 1"))
  }

  @Test func anArityErrorInCausePathIsReported() {
    let found = errors("StartAt: F\nStates:\n  F: {Type: Fail, CausePath: 'States.Format()'}\n")
    #expect(found.count == 1)
    #expect(found.first?.message.contains("at least 1 argument") == true, "\(found)")
  }

  static let schemaLoader = PipelineLoader(knownResources: ["flow:exec", "flow:train"], parameterSchemas: [
    "flow:exec": ParameterSchema([.init("Command", [.string, .array], required: true), .init("MaxOutputBytes", .integer)]),
    "flow:train": ParameterSchema([.init("Dataset", .object, required: true),
                                   .init("Algorithm", .string, required: true, allowedValues: ["svm", "mlp", "ridge"])]),
  ])

  @Test func stepParametersAreCheckedAgainstTheStepsSchema() {
    let found = Self.schemaLoader.check(text: """
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:exec
          Parameters:
            Comand: [ls]
            MaxOutputBytes: lots
          Next: B
        B:
          Type: Task
          Resource: flow:train
          Parameters:
            Dataset.$: $.data
            Algorithm: svn
          End: true
      """, path: "p.yaml").filter(\.isError)
    #expect(found.map(\.code) == [.missingField, .unknownField, .wrongType, .invalidValue], "\(found)")
    #expect(found[1].location?.line == 7)
    #expect(found[1].hint == "did you mean 'Command'?")
    #expect(found[2].location?.line == 8)
    #expect(found[3].location?.line == 15)
    #expect(found[3].hint == "did you mean 'svm'?")
  }

  @Test func dynamicParametersAndTasksWithoutParametersPass() {
    let found = Self.schemaLoader.check(text: """
      StartAt: A
      States:
        A: {Type: Task, Resource: flow:exec, Parameters: {Command.$: $.cmd}, Next: B}
        B: {Type: Task, Resource: flow:train, End: true}
      """, path: "p.yaml").filter(\.isError)
    #expect(found.isEmpty, "\(found)")
  }
}
