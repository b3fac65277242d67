import FlowCore
import FlowTesting
import Foundation
import Testing

/// Hostile input through the CLI, as a table: each case gets a clear error and an exit status (1 for a run that
/// failed, 64 for a definition that is invalid), never a crash, a hang or unbounded memory.
@Suite struct HostileInputTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory() }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var pipeline: String
    var input = "{}"
    var status: Int32
    var expected: String
    var testDescription: String { name }
  }

  static func pass(_ expression: String) -> String {
    "StartAt: P\nStates:\n  P: {Type: Pass, Parameters: {r.$: '\(expression)'}, End: true}\n"
  }

  static func task(_ resource: String, _ parameters: String) -> String {
    "StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: \(resource)\n    Parameters:\n\(parameters)\n    End: true\n"
  }

  static let cases: [Case] = [
    Case(name: "ArrayRange beyond 64 bits", pipeline: pass("States.ArrayRange(-1, 9223372036854775807, 1)"),
         status: 1, expected: "Invalid arguments in States.ArrayRange"),
    Case(name: "ArrayRange with a step of -2^63", pipeline: pass("States.ArrayRange(0, 0, $.s)"),
         input: "{\"s\": -9223372036854775808}", status: 1, expected: "Invalid arguments in States.ArrayRange"),
    Case(name: "ArrayRange of more than 1000 items", pipeline: pass("States.ArrayRange(1, 1001, 1)"),
         status: 1, expected: "Invalid arguments in States.ArrayRange"),
    Case(name: "ArrayPartition by 2^63-1", pipeline: pass("States.ArrayPartition($.a, $.n)"),
         input: "{\"a\": [1, 2], \"n\": 9223372036854775807}", status: 1, expected: "Invalid arguments in States.ArrayPartition"),
    Case(name: "MathRandom over Int64", pipeline: pass("States.MathRandom($.a, $.b, 1)"),
         input: "{\"a\": -9223372036854775808, \"b\": 9223372036854775807}", status: 1, expected: "Invalid arguments in States.MathRandom"),
    Case(name: "MathAdd overflow", pipeline: pass("States.MathAdd($.a, $.a)"),
         input: "{\"a\": 9223372036854775807}", status: 1, expected: "Invalid arguments in States.MathAdd"),
    Case(name: "Base64Decode of non-Base64", pipeline: pass("States.Base64Decode(''!!!'')"),
         status: 1, expected: "Invalid arguments in States.Base64Decode"),
    Case(name: "an input number beyond a double", pipeline: pass("$.a"), input: "{\"a\": 1e999}",
         status: 1, expected: "number out of range"),
    Case(name: "a literal number beyond a double", pipeline: "StartAt: P\nStates:\n  P: {Type: Pass, Result: 1e999, End: true}\n",
         status: 64, expected: "not a finite number"),
    Case(name: "BackoffRate 1e30",
         pipeline: "StartAt: P\nStates:\n  P: {Type: Task, Resource: flow:echo, Retry: [{ErrorEquals: [States.ALL], BackoffRate: 1e30}], End: true}\n",
         status: 64, expected: "[invalid-retry] 'BackoffRate' must be between 1.0 and 99999999"),
    Case(name: "MaxConcurrency and MaxItemsPerBatch of 2^63-1",
         pipeline: "StartAt: M\nStates:\n  M:\n    Type: Map\n    MaxConcurrency: 9223372036854775807\n"
           + "    ItemBatcher: {MaxItemsPerBatch: 9223372036854775807}\n"
           + "    ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n    End: true\n",
         input: "[1, 2]", status: 64, expected: "p.yaml:5:21: error: [invalid-value] 'MaxConcurrency' must be between 0 and 2147483647"),
    Case(name: "an alias bomb", pipeline: aliasBomb, status: 64, expected: "once its aliases are expanded"),
    Case(name: "40,000 nested calls",
         pipeline: pass(String(repeating: "States.Array(", count: 40_000) + String(repeating: ")", count: 40_000)),
         status: 64, expected: "nested more than 100 levels"),
    Case(name: "40,000 parentheses in a filter",
         pipeline: "StartAt: P\nStates:\n  P: {Type: Pass, InputPath: '$.a[?(" + String(repeating: "(", count: 40_000) + "@.b"
           + String(repeating: ")", count: 40_000) + ")]', End: true}\n",
         status: 64, expected: "nested more than 100 levels"),
    Case(name: "wrong intrinsic arity", pipeline: pass("States.ArrayGetItem($.a)"),
         status: 64, expected: "States.ArrayGetItem takes 2 arguments, got 1"),
    Case(name: "a misspelt flow:exec parameter", pipeline: task("flow:exec", "      Comand: [ls]"),
         status: 64, expected: "p.yaml:7:7: error: [unknown-field] 'Comand' is not a parameter of flow:exec"),
    Case(name: "an unknown flow:train algorithm", pipeline: task("flow:train", "      Dataset.$: $.d\n      Algorithm: svn"),
         status: 64, expected: "did you mean 'svm'?"),
  ]

  static let aliasBomb: String = {
    var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (previous, name) in zip(names, names.dropFirst()) {
      lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  @Test(arguments: cases)
  func hostileInputGetsAClearError(_ hostile: Case) throws {
    try directory.write(hostile.pipeline, to: "p.yaml")
    let run = try FlowBinary.run(["run", "p.yaml", "--input", hostile.input, "--json", "--store", "flow.db"], in: directory)
    #expect(run.status == hostile.status, "\(run.stderr)")
    #expect((run.stdout + run.stderr).contains(hostile.expected), "stdout: \(run.stdout.prefix(2000))\nstderr: \(run.stderr.prefix(2000))")
    if hostile.status == 64 {
      let validate = try FlowBinary.run(["validate", "p.yaml"], in: directory)
      #expect(validate.status == 64)
      #expect(validate.stdout.contains(hostile.expected), "\(validate.stdout.prefix(2000))")
    } else if hostile.expected.hasPrefix("Invalid arguments") {
      #expect(run.json?["error"] == "States.Runtime")
    }
  }

  @Test func aFailStateWithoutErrorOrCauseGivesNullErrorAndCause_alsoAfterAMapsCatch() throws {
    try directory.write("StartAt: F\nStates:\n  F: {Type: Fail}\n", to: "fail.yaml")
    try directory.write("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemsPath: $.items
          ItemProcessor: {StartAt: Bad, States: {Bad: {Type: Fail}}}
          Catch: [{ErrorEquals: [States.ALL], Next: F}]
          End: true
        F: {Type: Fail}
      """, to: "map.yaml")
    for file in ["fail.yaml", "map.yaml"] {
      let run = try FlowBinary.run(["run", file, "--input", "{\"items\": [1]}", "--json", "--store", "flow.db"], in: directory)
      #expect(run.json?["status"] == "FAILED", "\(run.stdout)")
      #expect(run.json?["error"] == .null, "\(run.stdout)")
      #expect(run.json?["cause"] == .null, "\(run.stdout)")
      let id = try #require(run.json?["executionId"]?.stringValue)
      let status = try JSONValue(parsing: FlowBinary.run(["status", id, "--json", "--store", "flow.db"], in: directory).stdout)
      #expect(status["error"] == nil || status["error"] == .null, "\(status)")
      #expect(status["cause"] == nil || status["cause"] == .null, "\(status)")
    }
  }

  @Test func bracketNotationTakesEscapedQuotesAndBackslashes() throws {
    try directory.write(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$['Test\\\\\"\"Name\"']", "End": true}}}"#,
                        to: "p.json")
    let run = try FlowBinary.run(["run", "p.json", "--input", #"{"Test\\\"\"Name\"": "Value\"\\"}"#, "--json", "--store", "flow.db"],
                                 in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.json?["output"] == "Value\"\\", "\(run.stdout)")
  }

  @Test func anExecutionWithAShortNameIsFoundByEveryCommand() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    for name in ["abc", "x"] {
      #expect(try FlowBinary.run(["run", "p.yaml", "--name", name, "--store", "flow.db"], in: directory).status == 0)
      let status = try FlowBinary.run(["status", name, "--json", "--store", "flow.db"], in: directory)
      #expect(status.status == 0, "\(status.stderr)")
      #expect(status.stdout.contains("\"SUCCEEDED\""))
      #expect(try FlowBinary.run(["history", name, "--store", "flow.db"], in: directory).status == 0)
    }
  }
}
