/// What a step accepts in a Task state's `Parameters`: each parameter's name, the JSON types it may have,
/// whether it is required, and for some string parameters the values allowed.
///
/// A step declares its schema so that `flow validate` (FlowDefinition) can report `Comand:` under `flow:exec` or
/// `Algorithm: svn` under `flow:train` at its line and column, before a run, without importing the step.
/// The step still checks its parameters at run time: values selected by paths (`Command.$`) are only known then.
///
/// ```swift
/// let schema = ParameterSchema([
///   .init("Command", .string, .array, required: true),
///   .init("ErrorName", .string),
/// ])
/// ```
public struct ParameterSchema: Sendable, Hashable {
  /// The JSON types a parameter may have (one or more).
  public struct Kind: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// A string.
    public static let string = Kind(rawValue: 1 << 0)
    /// A whole number (a number without a fraction).
    public static let integer = Kind(rawValue: 1 << 1)
    /// Any number.
    public static let number = Kind(rawValue: 1 << 2)
    /// `true` or `false`.
    public static let boolean = Kind(rawValue: 1 << 3)
    /// An object.
    public static let object = Kind(rawValue: 1 << 4)
    /// An array.
    public static let array = Kind(rawValue: 1 << 5)
    /// Any JSON value.
    public static let any: Kind = [.string, .integer, .number, .boolean, .object, .array]

    /// Whether `value` has one of these types (`null` counts as absent, so it always passes).
    public func admits(_ value: JSONValue) -> Bool {
      switch value {
      case .null: true
      case .string: contains(.string)
      case .int: contains(.integer) || contains(.number)
      case .double(let d): contains(.number) || (contains(.integer) && d.rounded() == d)
      case .bool: contains(.boolean)
      case .object: contains(.object)
      case .array: contains(.array)
      }
    }

    /// The types in words: "a string or an array".
    public var description: String {
      let names: [(Kind, String)] = [(.string, "a string"), (.integer, "an integer"), (.number, "a number"),
                                     (.boolean, "true or false"), (.object, "an object"), (.array, "an array")]
      let parts = names.filter { contains($0.0) && !($0.0 == .integer && contains(.number)) }.map(\.1)
      return parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
  }

  /// One parameter.
  public struct Field: Sendable, Hashable {
    /// The parameter's name, as written in `Parameters` (without a `.$` suffix).
    public var name: String
    /// The JSON types it may have.
    public var kind: Kind
    /// Whether a `Parameters` block must set it.
    public var required: Bool
    /// For a string parameter, the values allowed (empty: any string).
    public var allowedValues: [String]

    /// - Parameters:
    ///   - name: the parameter's name.
    ///   - kind: the JSON types it may have.
    ///   - required: whether `Parameters` must set it.
    ///   - allowedValues: the strings allowed, if only some are.
    public init(_ name: String, _ kind: Kind, required: Bool = false, allowedValues: [String] = []) {
      self.name = name
      self.kind = kind
      self.required = required
      self.allowedValues = allowedValues
    }
  }

  /// The parameters, in the order the step documents them.
  public var fields: [Field]

  /// - Parameter fields: the parameters, in the order the step documents them.
  public init(_ fields: [Field]) {
    self.fields = fields
  }

  /// The parameter names, in order.
  public var names: [String] { fields.map(\.name) }

  /// The parameter called `name`, if there is one.
  public func field(named name: String) -> Field? { fields.first { $0.name == name } }
}
