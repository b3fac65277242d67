import Foundation

/// The digests `States.Hash` offers, named as the States Language names them.
///
/// Written here rather than taken from a crypto library so that the module depends on nothing but FlowCore;
/// each is checked against the published test vectors.
public enum HashAlgorithm: String, CaseIterable, Sendable {
  case md5 = "MD5"
  case sha1 = "SHA-1"
  case sha256 = "SHA-256"
  case sha384 = "SHA-384"
  case sha512 = "SHA-512"

  /// The digest of `bytes`.
  public func digest(_ bytes: [UInt8]) -> [UInt8] {
    switch self {
    case .md5: MD5.digest(bytes)
    case .sha1: SHA1.digest(bytes)
    case .sha256: SHA256.digest(bytes)
    case .sha384: SHA512.digest(bytes, variant: .sha384)
    case .sha512: SHA512.digest(bytes, variant: .sha512)
    }
  }

  /// The digest of `bytes` in lowercase hexadecimal.
  public func hexDigest(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in digest(bytes) {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Merkle–Damgård padding: a 1 bit, zeros, then the message length in bits, to a whole number of blocks.
func mdPadded(_ bytes: [UInt8], blockSize: Int, lengthBytes: Int, bigEndian: Bool) -> [UInt8] {
  var message = bytes
  let bitLength = UInt64(bytes.count) &* 8
  message.append(0x80)
  while (message.count + lengthBytes) % blockSize != 0 { message.append(0) }
  var length = [UInt8](repeating: 0, count: lengthBytes)
  for i in 0..<8 { length[lengthBytes - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i))) }
  message += bigEndian ? length : Array(length.reversed())
  return message
}

enum MD5 {
  private static let shifts: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
  ]
  // floor(abs(sin(i + 1)) * 2^32)
  private static let constants: [UInt32] = (0..<64).map { i in
    UInt32(truncatingIfNeeded: Int64((abs(sin(Double(i + 1))) * 4_294_967_296).rounded(.down)))
  }

  static func digest(_ bytes: [UInt8]) -> [UInt8] {
    let message = mdPadded(bytes, blockSize: 64, lengthBytes: 8, bigEndian: false)
    var h: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    var m = [UInt32](repeating: 0, count: 16)
    for block in stride(from: 0, to: message.count, by: 64) {
      for i in 0..<16 {
        let j = block + i * 4
        m[i] = UInt32(message[j]) | UInt32(message[j + 1]) << 8 | UInt32(message[j + 2]) << 16 | UInt32(message[j + 3]) << 24
      }
      var (a, b, c, d) = h
      for i in 0..<64 {
        var f: UInt32
        let g: Int
        switch i {
        case 0..<16: f = (b & c) | (~b & d); g = i
        case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
        case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
        default: f = c ^ (b | ~d); g = (7 * i) % 16
        }
        f = f &+ a &+ constants[i] &+ m[g]
        a = d
        d = c
        c = b
        b = b &+ (f << shifts[i] | f >> (32 - shifts[i]))
      }
      h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d)
    }
    var out: [UInt8] = []
    for word in [h.0, h.1, h.2, h.3] {
      for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
    }
    return out
  }
}

enum SHA1 {
  static func digest(_ bytes: [UInt8]) -> [UInt8] {
    let message = mdPadded(bytes, blockSize: 64, lengthBytes: 8, bigEndian: true)
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var w = [UInt32](repeating: 0, count: 80)
    for block in stride(from: 0, to: message.count, by: 64) {
      for i in 0..<16 {
        let j = block + i * 4
        w[i] = UInt32(message[j]) << 24 | UInt32(message[j + 1]) << 16 | UInt32(message[j + 2]) << 8 | UInt32(message[j + 3])
      }
      for i in 16..<80 {
        let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
        w[i] = x << 1 | x >> 31
      }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let f: UInt32
        let k: UInt32
        switch i {
        case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
        case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
        case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
        default: f = b ^ c ^ d; k = 0xCA62_C1D6
        }
        let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
        e = d
        d = c
        c = b << 30 | b >> 2
        b = a
        a = t
      }
      h[0] = h[0] &+ a
      h[1] = h[1] &+ b
      h[2] = h[2] &+ c
      h[3] = h[3] &+ d
      h[4] = h[4] &+ e
    }
    return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
  }
}
