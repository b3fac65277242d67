import Crypto
import Foundation

/// The message digests flow uses, from swift-crypto: `States.Hash` and JSONata's `$hash` (named as the States
/// Language names them), content addresses of artifacts and lineage hashes (SHA-256).
public enum HashAlgorithm: String, CaseIterable, Sendable {
  case md5 = "MD5"
  case sha1 = "SHA-1"
  case sha256 = "SHA-256"
  case sha384 = "SHA-384"
  case sha512 = "SHA-512"

  /// The digest of `bytes`.
  public func digest(_ bytes: some DataProtocol) -> [UInt8] {
    switch self {
    case .md5: Array(Insecure.MD5.hash(data: bytes))
    case .sha1: Array(Insecure.SHA1.hash(data: bytes))
    case .sha256: Array(SHA256.hash(data: bytes))
    case .sha384: Array(SHA384.hash(data: bytes))
    case .sha512: Array(SHA512.hash(data: bytes))
    }
  }

  /// The digest of `bytes` in lowercase hexadecimal.
  public func hexDigest(_ bytes: some DataProtocol) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in digest(bytes) {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The lowercase hex digest of a file's bytes.
  /// - Throws: Foundation's error when the file can't be read.
  public func hexDigest(ofFileAt path: String) throws -> String {
    hexDigest(try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
  }
}
