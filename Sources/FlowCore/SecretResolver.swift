import Foundation

/// Resolves secret references — `{"Secret": "name"}` anywhere in a task's `Parameters` — when a step is invoked.
///
/// A reference is a JSON object with exactly one member, `Secret`, whose value is the secret's name. The reference
/// (never the value) is what the history, the store and the execution's data hold; the executor resolves it just
/// before the step runs, and masks every resolved value (as `***`) in what the step returns and in its failure cause.
///
/// A name is looked up, in order:
/// 1. in the environment variable `FLOW_SECRET_<NAME>` (the name upper-cased, every character other than a letter
///    or a digit turned into `_`: `api-key` → `FLOW_SECRET_API_KEY`);
/// 2. in the secrets file, a JSON object of names to strings, which must not be readable or writable by group or
///    others (mode `0600`); a file with looser permissions is refused.
public struct SecretResolver: Sendable {
  /// The environment variables looked in first.
  public var environment: [String: String]
  /// The secrets file, when there is one.
  public var file: URL?

  /// - Parameters:
  ///   - environment: where `FLOW_SECRET_<NAME>` variables are looked up.
  ///   - file: a JSON secrets file (mode 0600); a missing file counts as empty.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment, file: URL? = nil) {
    self.environment = environment
    self.file = file
  }

  /// The environment variable that holds the secret `name`.
  public static func variable(for name: String) -> String {
    "FLOW_SECRET_" + String(name.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
  }

  /// The secret's name when `value` is a reference (`{"Secret": "name"}`).
  public static func reference(in value: JSONValue) -> String? {
    guard case .object(let members) = value, members.count == 1, case .string(let name)? = members["Secret"] else { return nil }
    return name
  }

  /// `value` with every reference replaced by its secret, and the secrets used.
  /// - Throws: ``StepFailure`` `Flow.SecretNotFound` for an unknown name, `Flow.SecretsFileInsecure` when the secrets
  ///   file is readable by others, `Flow.SecretsFileInvalid` when it is not a JSON object of strings.
  public func resolve(_ value: JSONValue) throws -> (value: JSONValue, secrets: [String]) {
    var used: [String] = []
    var cache: [String: String]?
    func walk(_ value: JSONValue) throws -> JSONValue {
      if let name = Self.reference(in: value) {
        let secret: String
        if let fromEnvironment = environment[Self.variable(for: name)] {
          secret = fromEnvironment
        } else {
          if cache == nil { cache = try readFile() }
          guard let fromFile = cache?[name] else {
            throw StepFailure("Flow.SecretNotFound", cause: "The secret '\(name)' is not set: define \(Self.variable(for: name)) or add it to \(file?.path ?? "the secrets file").")
          }
          secret = fromFile
        }
        if !secret.isEmpty { used.append(secret) }
        return .string(secret)
      }
      switch value {
      case .object(let members): return .object(try members.mapValues(walk))
      case .array(let items): return .array(try items.map(walk))
      default: return value
      }
    }
    let resolved = try walk(value)
    return (resolved, used)
  }

  private func readFile() throws -> [String: String] {
    guard let file, FileManager.default.fileExists(atPath: file.path) else { return [:] }
    var info = stat()
    guard stat(file.path, &info) == 0 else { return [:] }
    if info.st_mode & 0o077 != 0 {
      throw StepFailure("Flow.SecretsFileInsecure", cause: "The secrets file \(file.path) is readable or writable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(file.path)")
    }
    let invalid = StepFailure("Flow.SecretsFileInvalid", cause: "The secrets file \(file.path) must be a JSON object of names to strings.")
    guard let text = try? String(contentsOf: file, encoding: .utf8), case .object(let members) = try? JSONValue(parsing: text) else {
      throw invalid
    }
    var secrets: [String: String] = [:]
    for (key, value) in members {
      guard case .string(let secret) = value else { throw invalid }
      secrets[key] = secret
    }
    return secrets
  }

  /// `text` with every one of `secrets` replaced by `***`.
  public static func mask(_ text: String, _ secrets: [String]) -> String {
    var text = text
    for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
      text = text.replacingOccurrences(of: secret, with: "***")
    }
    return text
  }

  /// `value` with every one of `secrets` replaced by `***` in its strings and keys.
  public static func mask(_ value: JSONValue, _ secrets: [String]) -> JSONValue {
    guard !secrets.isEmpty else { return value }
    switch value {
    case .string(let text): return .string(mask(text, secrets))
    case .array(let items): return .array(items.map { mask($0, secrets) })
    case .object(let members):
      var masked = JSONObject()
      for (key, member) in members { masked[mask(key, secrets)] = mask(member, secrets) }
      return .object(masked)
    default: return value
    }
  }
}
