import FlowCore
import Foundation

/// Settings of a ``StepFunctionsServer``.
public struct StepFunctionsServerConfiguration: Sendable {
  /// Address to bind; loopback by default. A non-loopback address needs ``accessKeys``.
  public var host: String = "127.0.0.1"
  /// Port to bind; `0` picks a free one.
  public var port: Int = 8083
  /// The region and account in the ARNs.
  public var names = ResourceNames()
  /// Secret access keys by access key id. Requests must be signed (SigV4) with one of them; when there are none
  /// (loopback only), any request is accepted, signed or not.
  public var accessKeys: [String: String] = [:]
  /// Largest request body accepted, in bytes (Step Functions' own payload limit is 256 KiB; a request carries
  /// a definition or an input, so 1 MiB leaves room for JSON escaping).
  public var maxBodyBytes: Int = 1024 * 1024
  /// Most connections open at once (see ``ConnectionRegistry``).
  public var maxConnections: Int = 512
  /// How long a connection may take to send a request head.
  public var requestHeadTimeout: Duration = .seconds(10)
  /// How long a request's body may take once its head arrived.
  public var requestBodyTimeout: Duration = .seconds(60)
  /// How long a kept-alive connection may wait for its next request.
  public var idleTimeout: Duration = .seconds(60)

  public init() {}

  /// Whether `host` names this machine only.
  public static func isLoopback(_ host: String) -> Bool {
    let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
    return host == "localhost" || host == "::1" || host.hasPrefix("127.") && host.split(separator: ".").count == 4
  }

  /// Checks ranges, and refuses a non-loopback address without access keys.
  /// - Throws: ``StepFunctionsServerError``.
  public func validate() throws(StepFunctionsServerError) {
    guard (0...65535).contains(port) else { throw StepFunctionsServerError("port \(port) is not in 0…65535") }
    guard maxBodyBytes > 0 else { throw StepFunctionsServerError("the body limit must be a positive number of bytes") }
    guard maxConnections > 0 else { throw StepFunctionsServerError("the connection limit must be positive") }
    if accessKeys.isEmpty, !Self.isLoopback(host) {
      throw StepFunctionsServerError(
        "refusing to listen on \(host) without credentials: anyone who can reach it could run state machines. Set "
        + "FLOW_SERVER_ACCESS_KEY_ID and FLOW_SERVER_SECRET_ACCESS_KEY, or give --credentials FILE, or bind 127.0.0.1")
    }
    if accessKeys.contains(where: { $0.key.isEmpty || $0.value.isEmpty }) {
      throw StepFunctionsServerError("an access key id or secret access key is empty")
    }
  }
}

/// A problem with the server's settings or its address.
public struct StepFunctionsServerError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Reads access keys: from the environment (`FLOW_SERVER_ACCESS_KEY_ID`, `FLOW_SERVER_SECRET_ACCESS_KEY`) and from
/// a credentials file, either JSON (`{"AccessKeyId": …, "SecretAccessKey": …}`, a list of such objects, or an
/// object `{"KEY_ID": "SECRET", …}`) or AWS's ini format (`aws_access_key_id` / `aws_secret_access_key` in any section).
public enum AccessKeys {
  public static func fromEnvironment(_ environment: [String: String]) -> [String: String] {
    guard let id = environment["FLOW_SERVER_ACCESS_KEY_ID"], !id.isEmpty,
          let secret = environment["FLOW_SERVER_SECRET_ACCESS_KEY"], !secret.isEmpty else { return [:] }
    return [id: secret]
  }

  /// - Throws: ``StepFunctionsServerError`` when the file can't be read or holds no key.
  public static func fromFile(_ path: String) throws(StepFunctionsServerError) -> [String: String] {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw StepFunctionsServerError("cannot read the credentials file \(path): \(FileErrorReason.reason(for: error, path: path))")
    }
    let keys = try parse(text, path: path)
    guard !keys.isEmpty else {
      throw StepFunctionsServerError("the credentials file \(path) holds no access key (aws_access_key_id and aws_secret_access_key, or JSON AccessKeyId and SecretAccessKey)")
    }
    return keys
  }

  static func parse(_ text: String, path: String) throws(StepFunctionsServerError) -> [String: String] {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    // JSON is an object or a list of objects; an ini file starts with `[section]`.
    let isJSON = trimmed.hasPrefix("{") || trimmed.hasPrefix("[") && trimmed.dropFirst().drop(while: \.isWhitespace).first.map { "{]".contains($0) } == true
    if isJSON {
      let value: JSONValue
      do { value = try JSONValue(parsing: trimmed) } catch {
        throw StepFunctionsServerError("\(path):\(error.line):\(error.column): not valid JSON: \(error.message)")
      }
      var keys: [String: String] = [:]
      func pair(_ object: JSONObject) -> Bool {
        let id = object["AccessKeyId"] ?? object["accessKeyId"] ?? object["aws_access_key_id"]
        let secret = object["SecretAccessKey"] ?? object["secretAccessKey"] ?? object["aws_secret_access_key"]
        guard let id = id?.stringValue, let secret = secret?.stringValue else { return false }
        keys[id] = secret
        return true
      }
      switch value {
      case .array(let items): for item in items { _ = item.objectValue.map(pair) }
      case .object(let object):
        if !pair(object) { for (id, secret) in object { if let secret = secret.stringValue { keys[id] = secret } } }
      default: break
      }
      return keys
    }
    // AWS ini: [section] lines, then key = value lines; each section gives at most one key.
    var keys: [String: String] = [:]
    var id: String?, secret: String?
    func flush() {
      if let id, let secret { keys[id] = secret }
      id = nil
      secret = nil
    }
    for line in text.split(whereSeparator: \.isNewline) {
      let line = line.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("[") { flush(); continue }
      guard !line.hasPrefix("#"), !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else { continue }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
      let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      if key == "aws_access_key_id" { id = value }
      if key == "aws_secret_access_key" { secret = value }
    }
    flush()
    return keys
  }
}
