import Crypto

/// Hex digests for `$hash`.
enum Digest {
  static func hex(_ bytes: [UInt8], algorithm: String) -> String? {
    let digest: [UInt8]
    switch algorithm {
    case "MD5": digest = Array(Insecure.MD5.hash(data: bytes))
    case "SHA-1": digest = Array(Insecure.SHA1.hash(data: bytes))
    case "SHA-256": digest = Array(SHA256.hash(data: bytes))
    case "SHA-384": digest = Array(SHA384.hash(data: bytes))
    case "SHA-512": digest = Array(SHA512.hash(data: bytes))
    default: return nil
    }
    let hexDigits = Array("0123456789abcdef")
    return String(digest.flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]] })
  }
}
