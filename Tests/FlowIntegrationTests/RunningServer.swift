import FlowCore
import FlowTesting
import Foundation
import Testing

/// A running `flow server`, its output in `server-PORT.log` in its directory.
/// Its properties never change after `init`, and `Process` is only read (`isRunning`) or stopped in `deinit`.
final class RunningServer: @unchecked Sendable {
  let process: Process
  let port: Int
  let client: HTTPClient
  let log: URL

  init(store: String, in directory: URL, arguments: [String] = []) throws {
    port = try Self.freePort()
    log = directory.appendingPathComponent("server-\(port).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    process = Process()
    process.executableURL = URL(fileURLWithPath: FlowBinary.path)
    process.arguments = ["server", "--port", String(port), "--store", store] + arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "FLOW_STORE")
    process.environment = environment
    let output = try FileHandle(forWritingTo: log)
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    client = HTTPClient(port: port)
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      if let fd = try? HTTPClient.connect(port: port, receiveTimeout: 1) {
        close(fd)
        return
      }
      guard process.isRunning else { break }
      Thread.sleep(forTimeInterval: 0.1)
    }
    throw HTTPClient.Failure(description: "flow server did not start: \(self.output)")
  }

  deinit {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
  }

  var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  /// Sends `AWSStepFunctions.ACTION` with `body` and returns the reply, whatever its status.
  func send(_ action: String, _ body: JSONValue) async throws -> HTTPClient.Reply {
    try await client.post("/", body: body.serialized(), contentType: "application/x-amz-json-1.0",
                          headers: ["X-Amz-Target": "AWSStepFunctions.\(action)"])
  }

  /// Calls `AWSStepFunctions.ACTION` with `body`, expecting 200.
  func call(_ action: String, _ body: JSONValue) async throws -> JSONValue {
    let reply = try await send(action, body)
    guard reply.status == 200 else {
      throw HTTPClient.Failure(description: "\(action) answered \(reply.status): \(reply.text)\nserver log:\n\(output)")
    }
    return try reply.jsonValue()
  }

  /// Polls DescribeExecution until the execution has status `wanted` (recording an issue after 60 s).
  @discardableResult
  func waitForStatus(_ executionArn: String, _ wanted: String) async throws -> JSONValue {
    let deadline = Date().addingTimeInterval(60)
    var described: JSONValue = .null
    while Date() < deadline {
      described = try await call("DescribeExecution", ["executionArn": .string(executionArn)])
      if described["status"]?.stringValue == wanted { return described }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("execution \(executionArn) did not reach \(wanted): \(described)\nserver log:\n\(output)")
    return described
  }

  /// Kills the server with SIGKILL (no shutdown of any kind) and waits for it to be gone.
  func kill() {
    Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw HTTPClient.Failure(description: "cannot find a free port (errno \(errno))") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
