import Crypto
import Foundation

/// A request as AWS Signature Version 4 sees it.
public struct SignedRequest: Sendable {
  public var method: String
  /// The path, as sent (percent-encoded).
  public var path: String
  /// The query string without `?`, as sent.
  public var query: String
  /// Header names (any case) and values, `host` included.
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8]) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
  }

  /// The values of a header (case-insensitive), in order.
  func values(_ name: String) -> [String] {
    headers.filter { $0.name.lowercased() == name }.map(\.value)
  }
}

/// Verifies AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`).
///
/// Follows AWS's specification: the canonical request (method, URI, sorted query, the signed headers lower-cased
/// with their values trimmed and inner spaces folded, the SHA-256 of the body), the string to sign under the
/// credential scope `DATE/REGION/SERVICE/aws4_request`, and the signing key derived from the secret by HMAC-SHA256.
public struct SigV4Verifier: Sendable {
  /// Secret access keys by access key id.
  public var keys: [String: String]
  /// The service the scope must name (`states`); `nil` accepts any (for AWS's generic test vectors).
  public var service: String?
  /// How far the request's `X-Amz-Date` may be from now (AWS allows 15 minutes).
  public var maxSkew: Double = 15 * 60

  public init(keys: [String: String], service: String? = "states") {
    self.keys = keys
    self.service = service
  }

  /// The parts of an `Authorization` header.
  struct Authorization {
    var accessKey: String
    var date: String
    var region: String
    var service: String
    var signedHeaders: [String]
    var signature: String
  }

  /// Checks the request's signature; returns the access key id it was signed with.
  /// - Throws: ``StepFunctionsError``: `MissingAuthenticationTokenException` without an `Authorization` header,
  ///   `IncompleteSignatureException` for one that can't be parsed, `UnrecognizedClientException` for an unknown
  ///   access key, `InvalidSignatureException` for a wrong signature or a date too far from now.
  public func verify(_ request: SignedRequest, now: Date = Date()) throws(StepFunctionsError) -> String {
    guard let header = request.values("authorization").first else {
      throw StepFunctionsError("MissingAuthenticationTokenException", "Missing Authentication Token")
    }
    let authorization = try Self.parse(header)
    guard let secret = keys[authorization.accessKey] else {
      throw StepFunctionsError("UnrecognizedClientException", "The security token included in the request is invalid.")
    }
    if let service, authorization.service != service {
      throw StepFunctionsError("InvalidSignatureException", "Credential should be scoped to correct service: '\(service)'.")
    }
    guard let amzDate = request.values("x-amz-date").first, let date = Self.parseDate(amzDate) else {
      throw StepFunctionsError("IncompleteSignatureException", "the request has no valid X-Amz-Date header (yyyyMMdd'T'HHmmss'Z')")
    }
    guard amzDate.hasPrefix(authorization.date) else {
      throw StepFunctionsError("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(authorization.date)' != '\(amzDate.prefix(8))'")
    }
    if abs(date.timeIntervalSince(now)) > maxSkew {
      throw StepFunctionsError("InvalidSignatureException", "Signature expired: \(amzDate) is now earlier or later than 15 minutes from the server's time")
    }
    let expected = Self.signature(request, authorization: authorization, amzDate: amzDate, secret: secret)
    guard Self.constantTimeEqual(expected, authorization.signature.lowercased()) else {
      throw StepFunctionsError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    }
    return authorization.accessKey
  }

  static func parse(_ header: String) throws(StepFunctionsError) -> Authorization {
    let prefix = "AWS4-HMAC-SHA256 "
    guard header.hasPrefix(prefix) else {
      throw StepFunctionsError("IncompleteSignatureException", "the Authorization header is not AWS4-HMAC-SHA256")
    }
    var fields: [String: String] = [:]
    for part in header.dropFirst(prefix.count).split(separator: ",") {
      let trimmed = part.trimmingCharacters(in: .whitespaces)
      guard let equals = trimmed.firstIndex(of: "=") else { continue }
      fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
    }
    guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
      throw StepFunctionsError("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
    }
    let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard scope.count == 5, scope[4] == "aws4_request" else {
      throw StepFunctionsError("IncompleteSignatureException", "the credential '\(credential)' is not ACCESS_KEY/DATE/REGION/SERVICE/aws4_request")
    }
    return Authorization(accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3],
                         signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature)
  }

  static func parseDate(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    return formatter.date(from: text)
  }

  /// The canonical request of AWS's specification.
  static func canonicalRequest(_ request: SignedRequest, signedHeaders: [String]) -> String {
    let headers = signedHeaders.map { name in
      let value = request.values(name).map(foldSpaces).joined(separator: ",")
      return "\(name):\(value)\n"
    }.joined()
    let payloadHash = hex(SHA256.hash(data: request.body))
    return [request.method, canonicalURI(request.path), canonicalQuery(request.query), headers,
            signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
  }

  /// The hex signature a request should carry.
  static func signature(_ request: SignedRequest, authorization: Authorization, amzDate: String, secret: String) -> String {
    let scope = "\(authorization.date)/\(authorization.region)/\(authorization.service)/aws4_request"
    let canonical = canonicalRequest(request, signedHeaders: authorization.signedHeaders)
    let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(hex(SHA256.hash(data: Data(canonical.utf8))))"
    var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
    for part in [authorization.date, authorization.region, authorization.service, "aws4_request"] {
      key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
    }
    return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
  }

  /// Trims a header value and folds runs of spaces into one.
  static func foldSpaces(_ value: String) -> String {
    value.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
  }

  /// Each path segment percent-decoded and encoded again, as AWS does for every service but S3.
  static func canonicalURI(_ path: String) -> String {
    guard !path.isEmpty else { return "/" }
    let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
      uriEncode(String(segment).removingPercentEncoding ?? String(segment)).replacingOccurrences(of: "%", with: "%25")
    }
    return segments.joined(separator: "/")
  }

  /// Query parameters sorted by name then value, each URI-encoded.
  static func canonicalQuery(_ query: String) -> String {
    guard !query.isEmpty else { return "" }
    let pairs = query.split(separator: "&").map { pair -> (String, String) in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
      return (uriEncode(decode(parts[0])), uriEncode(parts.count > 1 ? decode(parts[1]) : ""))
    }
    return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
  }

  /// Percent-encodes every byte but the unreserved characters `A-Z a-z 0-9 - _ . ~`.
  static func uriEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
           UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += String(format: "%%%02X", byte)
      }
    }
    return out
  }

  static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
  }

  static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
  }
}
