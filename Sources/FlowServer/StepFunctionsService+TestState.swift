import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation

/// TestState: one state run once through the executor's transition function (``StateTest``), nothing stored.
///
/// `definition` is one state's JSON, or with `stateName` a whole state machine's. The states a lone state's
/// `Next`, `Default` and `Catch` rules name need not exist (they are only reported as `nextState`). A Task,
/// Parallel or Map needs a `mock` (flow runs no step here; without one it is `ValidationException`); a Map with an
/// `ItemReader` is `ValidationException`. `roleArn` and `revealSecrets` are accepted and ignored (no step runs, so
/// no secret is resolved).
extension StepFunctionsService {
  func testState(_ request: Request) throws -> JSONValue {
    let definition = try request.required("definition")
    let level = try request.string("inspectionLevel") ?? "INFO"
    guard ["INFO", "DEBUG", "TRACE"].contains(level) else {
      throw StepFunctionsError.validation("1 validation error detected: Value '\(level)' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]")
    }
    let input = try Self.jsonMember(request, "input", error: "InvalidExecutionInput") ?? [:]
    let variables = try Self.jsonMember(request, "variables", error: "ValidationException") ?? [:]
    guard case .object(let variableValues) = variables else { throw StepFunctionsError.validation("'variables' must be a JSON object") }
    let context = try Self.jsonMember(request, "context", error: "ValidationException")
    let mock = try Self.mock(request.members["mock"])
    var retries = 0
    if let configuration = request.members["stateConfiguration"]?.objectValue {
      retries = configuration["retrierRetryCount"]?.intValue ?? 0
    }

    let (machineText, stateName) = try Self.testMachine(definition, stateName: try request.string("stateName"))
    let pipeline = try catalog.load(definition: machineText, name: "test-state")
    let outcome: StateTest.Outcome
    do {
      outcome = try StateTest.run(pipeline.machine, state: stateName, input: input, variables: variableValues, mock: mock,
                                  retrierRetryCount: retries, context: context, now: Date().timeIntervalSince1970,
                                  random: { Double.random(in: 0..<1) })
    } catch {
      throw StepFunctionsError.validation(error.message)
    }

    var response: JSONObject = ["status": .string(outcome.status.rawValue)]
    if let output = outcome.output { response["output"] = .string(output.serialized()) }
    if let failure = outcome.failure {
      response["error"] = .string(failure.error)
      response["cause"] = .string(failure.cause)
    }
    if let next = outcome.nextState { response["nextState"] = .string(next) }
    if level != "INFO" { response["inspectionData"] = .object(Self.inspectionData(outcome.inspection)) }
    return .object(response)
  }

  /// A JSON text member, parsed; nil when absent.
  private static func jsonMember(_ request: Request, _ name: String, error type: String) throws -> JSONValue? {
    guard let text = try request.string(name) else { return nil }
    do { return try JSONValue(parsing: text) } catch {
      throw StepFunctionsError(type, "Invalid '\(name)': '\(error.line):\(error.column): \(error.message)'")
    }
  }

  /// `mock`: `{"result": JSON text}` or `{"errorOutput": {"error": …, "cause": …}}`.
  private static func mock(_ value: JSONValue?) throws -> StateTest.Mock? {
    guard let value, value != .null else { return nil }
    guard case .object(let members) = value else { throw StepFunctionsError.serialization("'mock' must be an object") }
    if let text = members["result"]?.stringValue {
      do { return .result(try JSONValue(parsing: text)) } catch {
        throw StepFunctionsError.validation("Invalid 'mock.result': '\(error.line):\(error.column): \(error.message)'")
      }
    }
    if let failure = members["errorOutput"]?.objectValue {
      return .failure(StepFailure(failure["error"]?.stringValue ?? "", cause: failure["cause"]?.stringValue ?? ""))
    }
    throw StepFunctionsError.validation("'mock' needs 'result' or 'errorOutput'")
  }

  /// The state machine to load and the state to run: `definition` itself with `stateName`, else a machine around
  /// the one state, with a `Succeed` state standing in for each state it names.
  static func testMachine(_ definition: String, stateName: String?) throws -> (String, String) {
    let parsed: JSONValue
    do { parsed = try JSONValue(parsing: definition) } catch {
      throw StepFunctionsError("InvalidDefinition", "Invalid State Machine Definition: '\(error.line):\(error.column): \(error.message)'")
    }
    guard case .object(var members) = parsed else {
      throw StepFunctionsError("InvalidDefinition", "Invalid State Machine Definition: 'the definition must be a JSON object'")
    }
    if let stateName {
      guard members["States"]?[stateName] != nil else {
        throw StepFunctionsError.validation("The state '\(stateName)' is not in the definition's States")
      }
      members["StartAt"] = .string(stateName)   // the other states stay; only reachability from here matters
      return (JSONValue.object(members).serialized(), stateName)
    }
    guard members["Type"]?.stringValue != nil else {
      throw StepFunctionsError("InvalidDefinition", "Invalid State Machine Definition: 'a state needs a \"Type\"' (or give 'stateName' with a whole state machine)")
    }
    var targets: Set<String> = []
    if let next = members["Next"]?.stringValue { targets.insert(next) }
    if let next = members["Default"]?.stringValue { targets.insert(next) }
    for key in ["Choices", "Catch"] {
      for rule in members[key]?.arrayValue ?? [] { if let next = rule["Next"]?.stringValue { targets.insert(next) } }
    }
    var name = "TestState"
    while targets.contains(name) { name += "_" }
    var states: JSONObject = [name: parsed]
    for target in targets.sorted() { states[target] = ["Type": "Succeed"] }
    let machine: JSONValue = ["StartAt": .string(name), "States": .object(states)]
    members = [:]
    return (machine.serialized(), name)
  }

  private static func inspectionData(_ inspection: StateTest.Inspection) -> JSONObject {
    var data: JSONObject = [:]
    let stages: [(String, JSONValue?)] = [
      ("input", inspection.input), ("afterInputPath", inspection.afterInputPath),
      ("afterParameters", inspection.afterParameters), ("afterArguments", inspection.afterArguments),
      ("result", inspection.result), ("afterResultSelector", inspection.afterResultSelector),
      ("afterResultPath", inspection.afterResultPath),
    ]
    for (key, value) in stages { if let value { data[key] = .string(value.serialized()) } }
    if !inspection.variables.isEmpty { data["variables"] = .string(JSONValue.object(inspection.variables).serialized()) }
    var details: JSONObject = [:]
    if let index = inspection.retryIndex { details["retryIndex"] = .int(index) }
    if let seconds = inspection.retryBackoffSeconds { details["retryBackoffIntervalSeconds"] = .int(Int(seconds.rounded())) }
    if let index = inspection.catchIndex { details["catchIndex"] = .int(index) }
    if !details.isEmpty { data["errorDetails"] = .object(details) }
    return data
  }
}
