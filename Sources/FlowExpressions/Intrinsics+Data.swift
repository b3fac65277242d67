import FlowCore
import Foundation

extension Intrinsics {
  /// `States.Hash(data, algorithm)`: the lowercase hex digest of the data's UTF-8 bytes. A value that is
  /// not a string is hashed as its JSON text, as Step Functions does.
  static func hash(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .hash)
    let data: String
    switch args[0] {
    case .string(let s): data = s
    case .null: throw .invalidArguments(.hash)
    case let other: data = other.serialized()
    }
    try check(javaLength(data) <= maximumInputLength, .hash)
    guard let algorithm = HashAlgorithm(rawValue: try string(args[1], .hash)) else { throw .invalidArguments(.hash) }
    return .string(algorithm.hexDigest(Array(data.utf8)))
  }

  /// `States.JsonMerge(a, b, false)`: `a` with each member of `b` set on it; members of `b` win.
  /// Only the shallow merge exists: a `true` third argument fails.
  static func jsonMerge(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 3, .jsonMerge)
    guard case .object(var merged) = args[0], case .object(let other) = args[1] else {
      throw .invalidArguments(.jsonMerge)
    }
    // Step Functions treats any third argument other than `true` as a request for the shallow merge.
    try check(args[2] != .bool(true), .jsonMerge)
    for (key, value) in other { merged[key] = value }
    return .object(merged)
  }

  /// `States.UUID()`: a version 4 UUID in lowercase, its 122 random bits drawn from `random`.
  static func uuid(_ args: [JSONValue], random: () -> Double) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 0, .uuid)
    var bytes = (0..<16).map { _ in UInt8(min(255, Int(random() * 256))) }
    bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
    bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
    let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
    return .string([hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-"))
  }
}
