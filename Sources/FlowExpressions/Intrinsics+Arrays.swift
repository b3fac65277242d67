import FlowCore

extension Intrinsics {
  /// The most elements `States.ArrayRange` may produce.
  static let maximumRangeLength = 1000

  /// `States.ArrayPartition(array, chunkSize)`: chunks of `chunkSize` elements, the last one possibly shorter.
  static func arrayPartition(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .arrayPartition)
    let items = try array(args[0], .arrayPartition)
    let size = try truncatedInt(args[1], .arrayPartition)
    try check(size > 0, .arrayPartition)
    var chunks: [JSONValue] = []
    chunks.reserveCapacity(items.count / size + 1)  // not (count + size - 1) / size: size may be Int.max
    var start = 0
    while start < items.count {
      let end = size >= items.count - start ? items.count : start + size
      chunks.append(.array(Array(items[start..<end])))
      start = end
    }
    return .array(chunks)
  }

  /// `States.ArrayContains(array, value)`.
  ///
  /// Step Functions compares scalars by their text, so `true` is found in `["true"]` and `1` in `["1"]`,
  /// and objects and arrays by their JSON text, so key order matters. This reproduces what it returns.
  static func arrayContains(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .arrayContains)
    let items = try array(args[0], .arrayContains)
    let wanted = comparisonText(args[1])
    return .bool(items.contains { comparisonText($0) == wanted })
  }

  private static func comparisonText(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): s
    default: value.serialized()
    }
  }

  /// `States.ArrayRange(first, last, step)`: `first`, `first + step`, … up to and including `last`.
  static func arrayRange(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 3, .arrayRange)
    let first = try truncatedInt(args[0], .arrayRange)
    let last = try truncatedInt(args[1], .arrayRange)
    let step = try truncatedInt(args[2], .arrayRange)
    try check(step != 0, .arrayRange)
    // Bounds and step may be anywhere in 64 bits (a path can select -2^63): compute the length without overflow.
    let (span, overflow) = step > 0 ? last.subtractingReportingOverflow(first) : first.subtractingReportingOverflow(last)
    try check(!overflow, .arrayRange)
    let length = span < 0 ? 0 : Int(UInt(span) / step.magnitude) + 1
    try check(length <= maximumRangeLength, .arrayRange)
    return .array((0..<length).map { .int(first + $0 * step) })
  }

  /// `States.ArrayGetItem(array, index)`.
  static func arrayGetItem(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .arrayGetItem)
    let items = try array(args[0], .arrayGetItem)
    let index = try truncatedInt(args[1], .arrayGetItem)
    // Step Functions answers null for any index into an empty array, and fails for a non-empty one.
    if items.isEmpty { return .null }
    try check(items.indices.contains(index), .arrayGetItem)
    return items[index]
  }

  /// `States.ArrayLength(array)`.
  static func arrayLength(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .arrayLength)
    return .int(try array(args[0], .arrayLength).count)
  }

  /// `States.ArrayUnique(array)`: the first occurrence of each distinct value, in order.
  static func arrayUnique(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .arrayUnique)
    let items = try array(args[0], .arrayUnique)
    var seen = Set<JSONValue>()
    var unique: [JSONValue] = []
    for item in items where seen.insert(item).inserted { unique.append(item) }
    return .array(unique)
  }
}
