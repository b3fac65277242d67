/// A hyperparameter value as a user, a pipeline file or a tuner gives it.
/// Numbers compare by value, so `.int(1) == .double(1)`: JSON doesn't keep the difference.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
  /// An integer, such as `max_iter: 100`.
  case int(Int)
  /// A real number, such as `learning_rate: 0.1`.
  case double(Double)
  /// A choice, such as `kernel: "rbf"`.
  case string(String)
  /// A switch, such as `early_stopping: true`.
  case bool(Bool)

  /// Decodes a JSON scalar: integer, number, boolean or string.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Bool.self) { self = .bool(value) }
    else if let value = try? container.decode(Int.self) { self = .int(value) }
    else if let value = try? container.decode(Double.self) { self = .double(value) }
    else { self = .string(try container.decode(String.self)) }
  }

  /// Encodes as a JSON scalar.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .int(let v): try container.encode(v)
    case .double(let v): try container.encode(v)
    case .string(let v): try container.encode(v)
    case .bool(let v): try container.encode(v)
    }
  }

  /// Equal when both are the same number (whatever its spelling), string or boolean.
  public static func == (lhs: ParameterValue, rhs: ParameterValue) -> Bool {
    switch (lhs, rhs) {
    case (.string(let a), .string(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    default: lhs.number != nil && lhs.number == rhs.number
    }
  }

  /// Hashes numbers by value, consistently with `==`.
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .string(let v): hasher.combine(0); hasher.combine(v)
    case .bool(let v): hasher.combine(1); hasher.combine(v)
    case .int, .double: hasher.combine(2); hasher.combine(number!)
    }
  }

  /// The value as a number, if it is one.
  public var number: Double? {
    switch self {
    case .int(let v): Double(v)
    case .double(let v): v
    default: nil
    }
  }

  /// `0.1`, `100`, `rbf`, `true`.
  public var description: String {
    switch self {
    case .int(let v): "\(v)"
    case .double(let v): "\(v)"
    case .string(let v): v
    case .bool(let v): "\(v)"
    }
  }
}

/// A parsed set of hyperparameters for one algorithm.
public protocol HyperparameterSet: Sendable, Codable, Equatable {
  /// Reads and validates values; unset ones take their defaults.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`) for an unknown name, a wrong type or a value out of range.
  init(_ values: [String: ParameterValue]) throws
  /// Every hyperparameter with its value, defaults included (what an artifact records).
  var values: [String: ParameterValue] { get }
}
