import Foundation

/// How a numeric range is searched (SageMaker's `ScalingType`).
public enum ParameterScaling: String, Sendable, Codable, Hashable {
  /// Uniform over the range; `auto` means linear here.
  case linear, auto
  /// Uniform over the logarithm (the range must be positive): for learning rates and penalties.
  case logarithmic
  /// Dense near the top of a range within [0, 1): for values such as momentum close to 1.
  case reverseLogarithmic = "reverse_logarithmic"
}

/// The values one hyperparameter may take.
public enum ParameterRange: Sendable, Codable, Hashable {
  /// Real values in `min...max`.
  case continuous(min: Double, max: Double, scaling: ParameterScaling = .linear)
  /// Whole numbers in `min...max`.
  case integer(min: Int, max: Int, scaling: ParameterScaling = .linear)
  /// One of a list of values.
  case categorical([ParameterValue])

  /// The value at position `u` in [0, 1] of the (scaled) range.
  func value(at u: Double) -> ParameterValue {
    let u = Swift.min(Swift.max(u, 0), 1)
    switch self {
    case .continuous(let low, let high, let scaling):
      return .double(Self.unscale(u, low, high, scaling))
    case .integer(let low, let high, let scaling):
      let x = Self.unscale(u, Double(low) - 0.5 + 1e-9, Double(high) + 0.5 - 1e-9, scaling == .logarithmic && low <= 0 ? .linear : scaling)
      return .int(Swift.min(high, Swift.max(low, Int(x.rounded()))))
    case .categorical(let values):
      return values[Swift.min(values.count - 1, Int(u * Double(values.count)))]
    }
  }

  /// The position in [0, 1] of a value of this range (inverse of ``value(at:)`` for numbers).
  func position(of value: ParameterValue) -> Double {
    switch self {
    case .continuous(let low, let high, let scaling):
      return Self.scale(value.number ?? low, low, high, scaling)
    case .integer(let low, let high, let scaling):
      return Self.scale(value.number ?? Double(low), Double(low) - 0.5 + 1e-9, Double(high) + 0.5 - 1e-9,
                        scaling == .logarithmic && low <= 0 ? .linear : scaling)
    case .categorical(let values):
      let index = values.firstIndex(of: value) ?? 0
      return (Double(index) + 0.5) / Double(values.count)
    }
  }

  private static func unscale(_ u: Double, _ low: Double, _ high: Double, _ scaling: ParameterScaling) -> Double {
    switch scaling {
    case .linear, .auto: low + u * (high - low)
    case .logarithmic: exp(log(low) + u * (log(high) - log(low)))
    case .reverseLogarithmic: 1 - exp(log(1 - high) + (1 - u) * (log(1 - low) - log(1 - high)))
    }
  }

  private static func scale(_ x: Double, _ low: Double, _ high: Double, _ scaling: ParameterScaling) -> Double {
    let u: Double
    switch scaling {
    case .linear, .auto: u = (x - low) / (high - low)
    case .logarithmic: u = (log(x) - log(low)) / (log(high) - log(low))
    case .reverseLogarithmic: u = 1 - (log(1 - x) - log(1 - high)) / (log(1 - low) - log(1 - high))
    }
    return Swift.min(1, Swift.max(0, u.isFinite ? u : 0))
  }

  func validate(_ name: String) throws {
    func fail(_ why: String) -> TrainingError { TrainingError(.invalidArgument, "search space: '\(name)' \(why)") }
    switch self {
    case .continuous(let low, let high, let scaling):
      guard low.isFinite, high.isFinite, low < high else { throw fail("needs min < max, got \(low)…\(high)") }
      if scaling == .logarithmic, low <= 0 { throw fail("with logarithmic scaling needs min > 0") }
      if scaling == .reverseLogarithmic, low < 0 || high >= 1 { throw fail("with reverse_logarithmic scaling needs 0 ≤ min < max < 1") }
    case .integer(let low, let high, let scaling):
      guard low <= high else { throw fail("needs min ≤ max, got \(low)…\(high)") }
      if scaling == .logarithmic, low <= 0 { throw fail("with logarithmic scaling needs min > 0") }
      if scaling == .reverseLogarithmic { throw fail("can't use reverse_logarithmic scaling (integers)") }
    case .categorical(let values):
      guard !values.isEmpty else { throw fail("needs at least one value") }
    }
  }
}

/// The hyperparameters a tuning job searches, by name.
public struct SearchSpace: Sendable, Codable, Hashable {
  /// The ranges, by hyperparameter name.
  public var parameters: [String: ParameterRange]

  /// Creates a search space.
  public init(_ parameters: [String: ParameterRange]) { self.parameters = parameters }

  /// Names in a fixed (sorted) order, so sampling doesn't depend on dictionary order.
  var names: [String] { parameters.keys.sorted() }

  /// A uniformly random point of the space.
  func sample(_ generator: inout SeededGenerator) -> [String: ParameterValue] {
    var values: [String: ParameterValue] = [:]
    for name in names { values[name] = parameters[name]!.value(at: generator.nextUnit()) }
    return values
  }
}
