import Crypto
import Foundation

/// SHA-256 over bytes fed a piece at a time, so a large file is hashed without holding it in memory.
///
/// A value type used by one caller at a time (not `Sendable`: swift-crypto's hasher isn't).
public struct SHA256Stream {
  private var hasher = SHA256()

  public init() {}

  /// Adds the next piece of the bytes.
  public mutating func update(_ bytes: Data) { hasher.update(data: bytes) }

  /// The digest of everything added, in lowercase hexadecimal.
  public func hexDigest() -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in hasher.finalize() {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
