import Dispatch
import FlowCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking HTTP/1.1 client over a raw socket (one request per connection), run on a thread of
/// its own so it never blocks the cooperative threads the server answers on (nor starves Dispatch's pool). It sends exactly the
/// headers it is given: no default `Content-Type`, which the 415 tests need.
public struct HTTPClient: Sendable {
  public struct Reply: Sendable {
    public var status: Int
    /// Header names are lower-cased.
    public var headers: [String: String]
    public var body: Data
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed by flow's own JSON parser, whose numbers are exact (Foundation's on Linux may be off by an ulp).
    public func jsonValue() throws -> JSONValue { try JSONValue(parsing: text) }
    /// The body as a Foundation JSON object.
    public func json() throws -> [String: Any] {
      guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
        throw Failure(description: "not a JSON object: \(text)")
      }
      return object
    }
  }

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
  }

  public let port: Int

  public init(port: Int) { self.port = port }

  public func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
    try await send("GET", path, headers: headers, body: Data())
  }

  public func post(_ path: String, body: String, contentType: String? = "text/csv", headers: [String: String] = [:]) async throws -> Reply {
    var all = headers
    if let contentType { all["Content-Type"] = contentType }
    return try await send("POST", path, headers: all, body: Data(body.utf8))
  }

  public func send(_ method: String, _ path: String, headers: [String: String], body: Data) async throws -> Reply {
    let port = port
    return try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(with: Result { try Self.exchange(port: port, method: method, path: path, headers: headers, body: body) })
      }.start()
    }
  }

  /// Sends `bytes` exactly as given (a hand-made, possibly malformed request) and reads the answer.
  public func sendRaw(_ bytes: Data) async throws -> Reply {
    let port = port
    return try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(with: Result {
          let fd = try Self.connect(port: port)
          defer { close(fd) }
          return try Self.exchange(fd: fd, request: bytes)
        })
      }.start()
    }
  }

  /// A blocking TCP socket connected to 127.0.0.1:`port`, with a receive timeout.
  public static func connect(port: Int, receiveTimeout: Int = 60) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket() failed (errno \(errno))") }
    var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
      let code = errno
      close(fd)
      throw Failure(description: "connect to port \(port) failed (errno \(code))")
    }
    return fd
  }

  private static func exchange(port: Int, method: String, path: String, headers: [String: String], body: Data) throws -> Reply {
    let fd = try connect(port: port)
    defer { close(fd) }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    var request = Data(head.utf8)
    request.append(body)
    return try exchange(fd: fd, request: request)
  }

  private static func exchange(fd: Int32, request: Data) throws -> Reply {
    var sent = 0
    try request.withUnsafeBytes { bytes in
      while sent < bytes.count {
        let n = Glibc.send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
        if n <= 0 {
          // The server may answer (413) and close before reading everything: read the answer anyway.
          if errno == EPIPE || errno == ECONNRESET { return }
          throw Failure(description: "send failed (errno \(errno))")
        }
        sent += n
      }
    }

    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n < 0 {
        if errno == ECONNRESET, !response.isEmpty { break }
        throw Failure(description: "recv failed (errno \(errno))")
      }
      if n == 0 { break }
      response.append(contentsOf: buffer[0..<n])
    }
    return try parse(response)
  }

  private static func parse(_ data: Data) throws -> Reply {
    guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
      throw Failure(description: "incomplete response: \(String(decoding: data, as: UTF8.self))")
    }
    let headLines = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = headLines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(headLines[0])") }
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[split.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
    return Reply(status: status, headers: headers, body: body)
  }

  private static func dechunk(_ data: Data) throws -> Data {
    var out = Data()
    var rest = data[...]
    while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
      let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self)
      guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { throw Failure(description: "bad chunk size") }
      if size == 0 { break }
      let start = lineEnd.upperBound
      out.append(rest[start..<(start + size)])
      rest = rest[(start + size + 2)...]
    }
    return out
  }
}
