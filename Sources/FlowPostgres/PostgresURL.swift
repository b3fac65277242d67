import FlowCore
import Foundation

/// Where a PostgreSQL store is: a `postgresql://` (or `postgres://`) URL as libpq reads it, with the password
/// resolved the way libpq resolves it.
///
/// ```
/// postgresql://user[:password]@host[:port]/database[?sslmode=disable|allow|prefer|require|verify-ca|verify-full][&schema=NAME]
/// ```
///
/// The password comes from the URL, else `PGPASSWORD`, else the password file (`PGPASSFILE`, else `~/.pgpass`,
/// lines `host:port:database:user:password` with `*` for any, ignored unless the file is mode 0600 or stricter).
/// `schema` is flow's own parameter: the schema that holds flow's tables (default `public`), so several projects
/// can share one database. The password is never part of ``description`` or of any error message.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// How the connection uses TLS, with libpq's names and meanings.
  public enum SSLMode: String, Sendable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS if the server offers it (treated as `prefer`).
    case allow
    /// TLS if the server offers it, without verifying its certificate (libpq's default).
    case prefer
    /// TLS or fail, without verifying the server's certificate.
    case require
    /// TLS or fail; the certificate must be signed by a trusted authority (the host name is not checked).
    case verifyCA = "verify-ca"
    /// TLS or fail; the certificate must be trusted and name the host.
    case verifyFull = "verify-full"
  }

  public var user: String
  public var host: String
  public var port: Int
  public var database: String
  public var sslMode: SSLMode
  /// The schema flow's tables live in.
  public var schema: String
  /// The resolved password (URL, `PGPASSWORD` or password file), if any. Never printed.
  public var password: String?
  /// True when the password was written in the URL itself.
  let passwordInURL: Bool

  /// True when `text` names a PostgreSQL server rather than a file.
  public static func isPostgresURL(_ text: String) -> Bool {
    text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
  }

  /// Parses `text` and resolves the password.
  /// - Parameter environment: where `PGPASSWORD`, `PGPASSFILE`, `PGUSER` and `HOME` are looked up.
  /// - Throws: ``StoreError`` (with the password redacted) when the URL is malformed.
  public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    let shown = Self.redacted(text)
    guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
      throw StoreError("not a PostgreSQL URL: \(shown) (expected postgresql://user@host:port/database)", code: .io)
    }
    let user = components.user?.removingPercentEncoding ?? environment["PGUSER"] ?? ProcessInfo.processInfo.userName
    guard !user.isEmpty else { throw StoreError("the PostgreSQL URL \(shown) names no user", code: .io) }
    self.user = user
    var host = components.host ?? ""
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.host = host.isEmpty ? "localhost" : host
    self.port = components.port ?? 5432
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    self.database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
    var sslMode = SSLMode.prefer, schema = "public"
    for item in components.queryItems ?? [] {
      let value = item.value ?? ""
      switch item.name {
      case "sslmode":
        guard let mode = SSLMode(rawValue: value) else {
          throw StoreError("the PostgreSQL URL \(shown): sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value)'", code: .io)
        }
        sslMode = mode
      case "schema":
        guard !value.isEmpty, value.utf8.count <= 63 else {
          throw StoreError("the PostgreSQL URL \(shown): schema must be a name of 1 to 63 bytes", code: .io)
        }
        schema = value
      default:
        throw StoreError("the PostgreSQL URL \(shown) has an unknown parameter '\(item.name)' (known: sslmode, schema)", code: .io)
      }
    }
    self.sslMode = sslMode
    self.schema = schema
    if let inURL = components.password {
      password = inURL.removingPercentEncoding ?? inURL
      passwordInURL = true
    } else {
      passwordInURL = false
      password = environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        ?? Self.passwordFromFile(environment: environment, host: self.host, port: port, database: database, user: user)
    }
  }

  /// The URL with its password replaced by `***` (what messages show).
  public var description: String {
    var text = "postgresql://\(user)\(passwordInURL ? ":***" : "")@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    var query: [String] = []
    if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
    if schema != "public" { query.append("schema=\(schema)") }
    if !query.isEmpty { text += "?" + query.joined(separator: "&") }
    return text
  }

  /// The same as ``description``: the password never shows, not even in `debugPrint` or `dump`.
  public var debugDescription: String { description }

  public var customMirror: Mirror {
    Mirror(self, children: ["url": description], displayStyle: .struct)
  }

  public static func == (a: PostgresURL, b: PostgresURL) -> Bool {
    a.user == b.user && a.host == b.host && a.port == b.port && a.database == b.database && a.sslMode == b.sslMode
      && a.schema == b.schema && a.password == b.password
  }

  /// `text` with anything between `//user:` and `@` replaced by `***`, for messages about URLs that don't parse.
  public static func redacted(_ text: String) -> String {
    guard let scheme = text.range(of: "://") else { return text }
    let rest = text[scheme.upperBound...]
    guard let at = rest.lastIndex(of: "@") else { return text }
    let credentials = rest[..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return text }
    return String(text[..<colon]) + ":***" + String(rest[at...])
  }

  /// The password for this server in the password file, as libpq finds it: the first line whose fields match
  /// (`*` matches anything; `\:` and `\\` are escapes). A file readable by group or others is ignored.
  static func passwordFromFile(environment: [String: String], host: String, port: Int, database: String, user: String) -> String? {
    let path = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["HOME"].map { $0 + "/.pgpass" }
    guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & 0o077 == 0 else { return nil }
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
      let fields = splitPassFileLine(String(line))
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  private static func splitPassFileLine(_ line: String) -> [String] {
    var fields: [String] = [], field = "", escaped = false
    for character in line {
      if escaped {
        field.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == ":" && fields.count < 4 {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
    }
    fields.append(field)
    return fields
  }
}
