import FlowCore
import FlowTraining
import Foundation

/// A step's `Parameters` object, read with checks: unknown names are rejected (with a did-you-mean), and a wrong
/// type or value fails with `STEP.InvalidParameters` naming the parameter.
struct StepParameters {
  /// The error-name prefix, such as `Train`.
  let step: String
  let fields: JSONObject

  init(_ input: JSONValue, step: String, known: [String]) throws {
    self.step = step
    guard case .object(let fields) = input else {
      throw StepFailure("\(step).InvalidParameters", cause: "flow:\(step.lowercased()) needs Parameters (an object), got \(input.typeName)")
    }
    for key in fields.keys where !known.contains(key) {
      let hint = known.closestMatch(to: key).map { " (did you mean '\($0)'?)" } ?? ""
      throw StepFailure("\(step).InvalidParameters",
                        cause: "unknown parameter '\(key)'\(hint); flow:\(step.lowercased()) takes \(known.joined(separator: ", "))")
    }
    self.fields = fields
  }

  func invalid(_ message: String) -> StepFailure { StepFailure("\(step).InvalidParameters", cause: message) }

  subscript(key: String) -> JSONValue? {
    if let value = fields[key], value != .null { return value }
    return nil
  }

  func string(_ key: String) throws -> String {
    guard let value = self[key] else { throw invalid("the parameter '\(key)' is required") }
    guard let text = value.stringValue, !text.isEmpty else { throw invalid("'\(key)' must be a non-empty string, got \(value)") }
    return text
  }

  func optionalString(_ key: String) throws -> String? {
    self[key] == nil ? nil : try string(key)
  }

  func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>? = nil) throws -> Double {
    guard let value = self[key] else { return fallback }
    guard let number = value.doubleValue else { throw invalid("'\(key)' must be a number, got \(value)") }
    if let range, !range.contains(number) { throw invalid("'\(key)' must be in \(range.lowerBound)…\(range.upperBound), got \(number)") }
    return number
  }

  func int(_ key: String, default fallback: Int, min: Int? = nil) throws -> Int {
    guard let value = self[key] else { return fallback }
    guard let number = value.intValue else { throw invalid("'\(key)' must be an integer, got \(value)") }
    if let min, number < min { throw invalid("'\(key)' must be at least \(min), got \(number)") }
    return number
  }

  func bool(_ key: String, default fallback: Bool) throws -> Bool {
    guard let value = self[key] else { return fallback }
    guard let flag = value.boolValue else { throw invalid("'\(key)' must be true or false, got \(value)") }
    return flag
  }

  func object(_ key: String) throws -> JSONObject? {
    guard let value = self[key] else { return nil }
    guard let object = value.objectValue else { throw invalid("'\(key)' must be an object, got \(value.typeName)") }
    return object
  }

  func strings(_ key: String) throws -> [String]? {
    guard let value = self[key] else { return nil }
    guard let items = value.arrayValue, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
      throw invalid("'\(key)' must be an array of strings, got \(value)")
    }
    return texts
  }

  /// Hyperparameters from a JSON object of scalars.
  func hyperparameters(_ key: String) throws -> [String: ParameterValue] {
    guard let object = try object(key) else { return [:] }
    var values: [String: ParameterValue] = [:]
    for (name, value) in object {
      guard let parameter = ParameterValue(json: value) else {
        throw StepFailure("\(step).InvalidHyperparameter", cause: "hyperparameter '\(name)' must be a number, string, boolean or list of integers, got \(value)")
      }
      values[name] = parameter
    }
    return values
  }

}

extension ParameterValue {
  /// A hyperparameter from a JSON scalar, or from a list of integers such as scikit-learn's
  /// `hidden_layer_sizes: [64, 32]` (read as the text `"64,32"`, which the algorithms accept).
  init?(json: JSONValue) {
    switch json {
    case .int(let v): self = .int(v)
    case .double(let v): self = .double(v)
    case .string(let v): self = .string(v)
    case .bool(let v): self = .bool(v)
    case .array(let items) where !items.isEmpty:
      let integers = items.compactMap { item -> Int? in
        if case .int(let v) = item { return v }
        if case .double(let v) = item, v == v.rounded(), abs(v) < 1e9 { return Int(v) }
        return nil
      }
      guard integers.count == items.count else { return nil }
      self = .string(integers.map(String.init).joined(separator: ","))
    default: return nil
    }
  }

  /// The value as JSON.
  var json: JSONValue {
    switch self {
    case .int(let v): .int(v)
    case .double(let v): .double(v)
    case .string(let v): .string(v)
    case .bool(let v): .bool(v)
    }
  }
}

extension TrainingError {
  /// The error as a named step failure: `STEP.InvalidHyperparameter`, `STEP.InvalidData`, `STEP.MissingColumn`, …,
  /// with `file` (when given) in front of the cause so that a data problem names file, line and column.
  func stepFailure(_ step: String, file: String? = nil) -> StepFailure {
    let name: String
    switch code {
    case .invalidHyperparameter: name = "InvalidHyperparameter"
    case .missingColumn: name = "MissingColumn"
    case .emptyFile, .raggedRow, .nonNumericValue, .malformedCSV: name = "InvalidData"
    case .featureMismatch: name = "FeatureMismatch"
    case .invalidArtifact, .unsupportedVersion: name = "InvalidModel"
    case .io: name = "FileNotReadable"
    default: name = "Failed"
    }
    var cause = ""
    if let file { cause += file + (location.map { ":\($0.line)" } ?? "") + ": " }
    if let location, let column = location.column { cause += "column '\(column)': " }
    cause += message
    if let underlying { cause += " (\(underlying))" }
    return StepFailure("\(step).\(name)", cause: cause)
  }
}

/// Runs `body`, turning a ``TrainingError`` into a named ``StepFailure`` for `step` (and `file`).
func mapTrainingErrors<T>(_ step: String, file: String? = nil, _ body: () throws -> T) throws -> T {
  do { return try body() } catch let error as TrainingError { throw error.stepFailure(step, file: file) }
}

/// JSON of a metrics dictionary, keys sorted; non-finite values become `null`.
func metricsJSON(_ metrics: [String: Double]) -> JSONValue {
  var object = JSONObject()
  for key in metrics.keys.sorted() {
    let value = metrics[key]!
    object[key] = value.isFinite ? .double(value) : .null
  }
  return .object(object)
}

/// JSON of hyperparameters, keys sorted.
func hyperparametersJSON(_ values: [String: ParameterValue]) -> JSONValue {
  var object = JSONObject()
  for key in values.keys.sorted() { object[key] = values[key]!.json }
  return .object(object)
}
