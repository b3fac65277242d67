/// Base64 (RFC 4648) for `States.Base64Encode` and `States.Base64Decode`.
enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// The value of each byte in the alphabet, -1 for bytes outside it. The URL-safe `-` and `_` are accepted too.
  private static let values: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (i, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(i) }
    table[Int(UInt8(ascii: "-"))] = 62
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  /// Padded Base64 of `bytes`.
  static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 3 <= bytes.count {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
      out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
      i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
      let n = UInt32(bytes[i]) << 16
      out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
    } else if rest == 2 {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
      out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes the way Step Functions does (Apache Commons Codec: `isBase64` first, then a lenient decode): the
  /// text may hold only the alphabet (standard and URL-safe), `=` and white space, else it is not Base64 (`nil`);
  /// white space is skipped, missing padding is fine, decoding stops at the first `=`, and a final lone
  /// character is dropped.
  static func decodeLeniently(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var buffer: UInt32 = 0
    var count = 0
    var ended = false  // after the first `=`, the rest is only checked
    for byte in text.utf8 {
      if byte == UInt8(ascii: "=") { ended = true; continue }
      let value = values[Int(byte)]
      if value < 0 {
        guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return nil }
        continue
      }
      if ended { continue }
      buffer = buffer << 6 | UInt32(value)
      count += 1
      if count == 4 {
        out += [UInt8(buffer >> 16 & 0xFF), UInt8(buffer >> 8 & 0xFF), UInt8(buffer & 0xFF)]
        buffer = 0
        count = 0
      }
    }
    if count == 2 {
      out.append(UInt8(buffer >> 4 & 0xFF))
    } else if count == 3 {
      out += [UInt8(buffer >> 10 & 0xFF), UInt8(buffer >> 2 & 0xFF)]
    }
    return out
  }
}
