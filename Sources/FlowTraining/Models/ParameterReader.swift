import FlowCore
/// Reads typed, range-checked hyperparameters out of a `[String: ParameterValue]`, collecting
/// the resolved values, and rejects names it was never asked for.
struct ParameterReader {
  let algorithm: Algorithm
  private let given: [String: ParameterValue]
  private(set) var resolved: [String: ParameterValue] = [:]

  init(_ algorithm: Algorithm, _ given: [String: ParameterValue]) {
    self.algorithm = algorithm
    self.given = given
  }

  private func fail(_ name: String, _ message: String) -> TrainingError {
    TrainingError(.invalidHyperparameter, "\(algorithm.rawValue): '\(name)' \(message)")
  }

  mutating func double(_ name: String, _ fallback: Double, min: Double? = nil, max: Double? = nil,
                       above: Double? = nil) throws -> Double {
    var value = fallback
    if let raw = given[name] {
      guard let number = raw.number else { throw fail(name, "must be a number, got '\(raw)'") }
      value = number
    }
    guard value.isFinite else { throw fail(name, "must be finite, got \(value)") }
    if let min, value < min { throw fail(name, "must be ≥ \(min), got \(value)") }
    if let max, value > max { throw fail(name, "must be ≤ \(max), got \(value)") }
    if let above, value <= above { throw fail(name, "must be > \(above), got \(value)") }
    resolved[name] = .double(value)
    return value
  }

  mutating func int(_ name: String, _ fallback: Int, min: Int? = nil, max: Int? = nil) throws -> Int {
    var value = fallback
    if let raw = given[name] {
      switch raw {
      case .int(let v): value = v
      case .double(let v) where v == v.rounded() && abs(v) < 1e15: value = Int(v)
      default: throw fail(name, "must be an integer, got '\(raw)'")
      }
    }
    if let min, value < min { throw fail(name, "must be ≥ \(min), got \(value)") }
    if let max, value > max { throw fail(name, "must be ≤ \(max), got \(value)") }
    resolved[name] = .int(value)
    return value
  }

  mutating func string(_ name: String, _ fallback: String, allowed: [String]) throws -> String {
    var value = fallback
    if let raw = given[name] {
      guard case .string(let v) = raw else { throw fail(name, "must be one of \(allowed.joined(separator: ", ")), got '\(raw)'") }
      value = v
    }
    guard allowed.contains(value) else { throw fail(name, "must be one of \(allowed.joined(separator: ", ")), got '\(value)'") }
    resolved[name] = .string(value)
    return value
  }

  mutating func bool(_ name: String, _ fallback: Bool) throws -> Bool {
    var value = fallback
    if let raw = given[name] {
      switch raw {
      case .bool(let v): value = v
      case .string("true"): value = true
      case .string("false"): value = false
      default: throw fail(name, "must be true or false, got '\(raw)'")
      }
    }
    resolved[name] = .bool(value)
    return value
  }

  /// Throws for any given name that wasn't read, suggesting the closest known one.
  func finish() throws {
    for name in given.keys.sorted() where resolved[name] == nil {
      let known = resolved.keys.sorted()
      let hint = known.closestMatch(to: name).map { " (did you mean '\($0)'?)" } ?? ""
      throw fail(name, "is not a hyperparameter of this algorithm\(hint); known: \(known.joined(separator: ", "))")
    }
  }

}
