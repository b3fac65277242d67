import FlowCore
import FlowExpressions
import Foundation
import Testing

/// Replays the recorded AWS results of single-`Pass`-state machines (copied from the shared conformance
/// cases into `Fixtures/conformance`) through paths and templates: InputPath, Parameters or Result,
/// ResultPath, OutputPath.
@Suite struct ConformanceCaseTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let state: JSONValue
    let input: JSONValue
    let expect: JSONValue
    var testDescription: String { name }
  }

  static let cases: [Case] = {
    // Found beside this file rather than through Bundle.module, so the suite runs whether or not the
    // target declares Fixtures as a resource.
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/conformance")
    guard let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
    else { return [] }
    return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.compactMap {
      url in
      guard let data = try? Data(contentsOf: url),
        let document = try? JSONValue(parsing: String(decoding: data, as: UTF8.self)),
        case .object(let states)? = document["definition"]?["States"], let state = states.values.first
      else { return nil }
      return Case(
        name: url.deletingPathExtension().lastPathComponent, state: state, input: document["input"] ?? .emptyObject,
        expect: document["expect"] ?? .null)
    }
  }()

  @Test func fixturesAreThere() {
    #expect(Self.cases.count >= 80)
  }

  @Test(arguments: cases)
  func matchesAWS(_ testCase: Case) throws {
    let outcome = Result { () throws -> JSONValue in try Self.runPass(testCase.state, input: testCase.input) }
    switch outcome {
    case .success(let output):
      #expect(testCase.expect["status"] == "SUCCEEDED", "succeeded with \(output)")
      #expect(output == testCase.expect["output"])
    case .failure(let error as ExpressionError):
      #expect(testCase.expect["status"] == "FAILED", "failed with \(error)")
      #expect(.string(error.error) == testCase.expect["error"])
      if let cause = testCase.expect["cause"] { #expect(.string(error.cause) == cause) }
    case .failure(let error):
      Issue.record("unexpected \(error)")
    }
  }

  /// The data flow of a Pass state, as far as this module is concerned.
  static func runPass(_ state: JSONValue, input: JSONValue) throws -> JSONValue {
    let context: JSONValue = ["Execution": ["Input": input, "Id": "arn:aws:states:us-east-1:1:execution:m:e"]]
    var effective = input
    if let inputPath = state["InputPath"] {
      effective = try select(inputPath, in: input, context: context)
    }
    var result = effective
    if let parameters = state["Parameters"] {
      result = try PayloadTemplate(parameters).evaluate(in: EvaluationScope(input: effective, context: context))
    } else if let fixed = state["Result"] {
      result = fixed
    }
    var output = result
    if let resultPath = state["ResultPath"] {
      switch resultPath {
      case .null: output = input
      case .string(let text): output = try ReferencePath(text).setting(result, in: input)
      default: Issue.record("unexpected ResultPath \(resultPath)")
      }
    }
    if let outputPath = state["OutputPath"] {
      output = try select(outputPath, in: output, context: context)
    }
    return output
  }

  static func select(_ pathValue: JSONValue, in value: JSONValue, context: JSONValue) throws -> JSONValue {
    guard case .string(let text) = pathValue else { return .emptyObject }
    let path = try JSONPath(text)
    let scope = EvaluationScope(input: value, context: context)
    guard let selected = path.evaluate(in: scope) else {
      throw ExpressionError("States.Runtime", path.invalidPathCause(in: scope))
    }
    return selected
  }
}
