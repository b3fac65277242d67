import FlowCore

/// The intrinsic functions themselves, applied to evaluated arguments. Each check that fails throws
/// ``IntrinsicFailure/invalidArguments(_:)``: Step Functions gives the same cause for a wrong count,
/// a wrong type and a value out of range.
enum Intrinsics {
  static func apply(_ function: IntrinsicName, to args: [JSONValue], template: FormatTemplate?,
                    random: () -> Double) throws(IntrinsicFailure) -> JSONValue
  {
    switch function {
    case .format: return try format(args, template: template)
    case .stringToJson: return try stringToJson(args)
    case .jsonToString: return try jsonToString(args)
    case .array: return .array(args)
    case .arrayPartition: return try arrayPartition(args)
    case .arrayContains: return try arrayContains(args)
    case .arrayRange: return try arrayRange(args)
    case .arrayGetItem: return try arrayGetItem(args)
    case .arrayLength: return try arrayLength(args)
    case .arrayUnique: return try arrayUnique(args)
    case .base64Encode: return try base64Encode(args)
    case .base64Decode: return try base64Decode(args)
    case .hash: return try hash(args)
    case .jsonMerge: return try jsonMerge(args)
    case .mathRandom: return try mathRandom(args, random: random)
    case .mathAdd: return try mathAdd(args)
    case .stringSplit: return try stringSplit(args)
    case .uuid: return try uuid(args, random: random)
    }
  }

  /// The most characters that Base64Encode, Base64Decode and Hash accept.
  static let maximumInputLength = 10_000

  static func check(_ condition: Bool, _ function: IntrinsicName) throws(IntrinsicFailure) {
    if !condition { throw .invalidArguments(function) }
  }

  static func count(_ args: [JSONValue], _ expected: Int, _ function: IntrinsicName) throws(IntrinsicFailure) {
    if args.count != expected { throw .invalidArguments(function) }
  }

  static func string(_ value: JSONValue, _ function: IntrinsicName) throws(IntrinsicFailure) -> String {
    guard case .string(let s) = value else { throw .invalidArguments(function) }
    return s
  }

  static func array(_ value: JSONValue, _ function: IntrinsicName) throws(IntrinsicFailure) -> [JSONValue] {
    guard case .array(let items) = value else { throw .invalidArguments(function) }
    return items
  }

  /// A number converted as Java's `intValue()` does: fractions are truncated toward zero and values
  /// beyond the 32-bit range saturate. Step Functions reads indexes, sizes and bounds this way, as Java `int`s,
  /// so an integer beyond 32 bits (`9223372036854775807`) is an invalid argument, not a value to compute with.
  static func truncatedInt(_ value: JSONValue, _ function: IntrinsicName) throws(IntrinsicFailure) -> Int {
    switch value {
    case .int(let i):
      guard Int(Int32.min)...Int(Int32.max) ~= i else { throw .invalidArguments(function) }
      return i
    case .double(let d):
      guard !d.isNaN else { return 0 }
      return Int(Swift.min(Swift.max(d.rounded(.towardZero), Double(Int32.min)), Double(Int32.max)))
    default: throw .invalidArguments(function)
    }
  }

  /// A number rounded as Java's `Math.round` does, half up: 2.5 → 3, -2.5 → -2. `States.MathAdd` rounds this way.
  static func roundedInt(_ value: JSONValue, _ function: IntrinsicName) throws(IntrinsicFailure) -> Int {
    switch value {
    case .int(let i): return i
    case .double(let d):
      let rounded = (d + 0.5).rounded(.down)
      guard rounded.isFinite, abs(rounded) < 9.2e18 else { throw .invalidArguments(function) }
      return Int(rounded)
    default: throw .invalidArguments(function)
    }
  }

  /// The length of a string as Java counts it (UTF-16 code units), for the input length limits.
  static func javaLength(_ s: String) -> Int { s.utf16.count }
}
