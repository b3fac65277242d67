import FlowCore
import FlowTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
@testable import FlowServer

/// The server over a socket: AWS JSON 1.0 framing, SigV4 on real requests, the body limit and unparseable requests.
@Suite struct HTTPTests {
  /// Starts a server on a free port of 127.0.0.1, runs `body` with a client, and stops it.
  func withServer(keys: [String: String] = [:], maxBodyBytes: Int = 1024 * 1024,
                  configure: (inout StepFunctionsServerConfiguration) -> Void = { _ in },
                  _ body: (HTTPClient) async throws -> Void) async throws {
    let (_, _, service) = try ServiceTests.makeService()
    var configuration = StepFunctionsServerConfiguration()
    configuration.port = 0
    configuration.accessKeys = keys
    configuration.maxBodyBytes = maxBodyBytes
    configure(&configuration)
    var logger = Logger(label: "test.server")
    logger.logLevel = .warning
    let server = StepFunctionsServer(configuration: configuration, service: service, logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
      defer { continuation.finish() }
      try await server.run { _, port in continuation.yield(port) }
    }
    var listening: Int?
    for await port in ports {
      listening = port
      break
    }
    guard let port = listening else {
      try await task.value
      Issue.record("the server stopped before listening")
      return
    }
    do { try await body(HTTPClient(port: port)) } catch {
      await server.shutdown()
      throw error
    }
    await server.shutdown()
    _ = try? await task.value
  }

  static let json = "application/x-amz-json-1.0"

  func call(_ client: HTTPClient, _ action: String, _ body: String = "{}", headers: [String: String] = [:]) async throws -> HTTPClient.Reply {
    var all = headers
    all["X-Amz-Target"] = "AWSStepFunctions.\(action)"
    return try await client.post("/", body: body, contentType: Self.json, headers: all)
  }

  /// Signs a request as botocore does (`content-type;host;x-amz-date;x-amz-target`), dated now.
  func signed(_ action: String, _ body: String, port: Int, key: String, secret: String) -> [String: String] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    let amzDate = formatter.string(from: Date())
    let headers = ["Content-Type": Self.json, "X-Amz-Target": "AWSStepFunctions.\(action)", "X-Amz-Date": amzDate]
    let request = SignedRequest(method: "POST", path: "/", headers: headers.map { ($0.key, $0.value) } + [("host", "127.0.0.1:\(port)")],
                                body: Array(body.utf8))
    let authorization = SigV4Verifier.Authorization(accessKey: key, date: String(amzDate.prefix(8)), region: "us-east-1",
                                                    service: "states", signedHeaders: ["content-type", "host", "x-amz-date", "x-amz-target"],
                                                    signature: "")
    let signature = SigV4Verifier.signature(request, authorization: authorization, amzDate: amzDate, secret: secret)
    var all = headers
    all["Authorization"] = "AWS4-HMAC-SHA256 Credential=\(key)/\(authorization.date)/us-east-1/states/aws4_request, "
      + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=\(signature)"
    return all
  }

  @Test func withoutKeysOnLoopbackAnyRequestIsServed() async throws {
    try await withServer { client in
      let listed = try await call(client, "ListStateMachines")
      #expect(listed.status == 200)
      #expect(listed.headers["content-type"] == Self.json)
      #expect(listed.headers["x-amzn-requestid"] != nil)
      #expect(try listed.jsonValue()["stateMachines"]?.arrayValue?.first?["name"] == "from-file")
      let unknown = try await call(client, "ListActivitiez")
      #expect(unknown.status == 400)
      #expect(try unknown.jsonValue()["__type"] == "UnknownOperationException")
      let malformed = try await call(client, "ListStateMachines", "{not json")
      #expect(try malformed.jsonValue()["__type"] == "SerializationException")
    }
  }

  @Test func withKeysOnlySignedRequestsAreServed() async throws {
    try await withServer(keys: ["AKIDTEST": "secret"]) { client in
      let unsigned = try await call(client, "ListStateMachines")
      #expect(unsigned.status == 400)
      #expect(try unsigned.jsonValue()["__type"] == "MissingAuthenticationTokenException")
      let good = try await client.post("/", body: "{}", contentType: nil,
                                       headers: signed("ListStateMachines", "{}", port: client.port, key: "AKIDTEST", secret: "secret"))
      #expect(good.status == 200, "\(good.text)")
      let wrong = try await client.post("/", body: "{}", contentType: nil,
                                        headers: signed("ListStateMachines", "{}", port: client.port, key: "AKIDTEST", secret: "guess"))
      #expect(wrong.status == 400)
      #expect(try wrong.jsonValue()["__type"] == "InvalidSignatureException")
      let stranger = try await client.post("/", body: "{}", contentType: nil,
                                           headers: signed("ListStateMachines", "{}", port: client.port, key: "AKIDOTHER", secret: "secret"))
      #expect(try stranger.jsonValue()["__type"] == "UnrecognizedClientException")
    }
  }

  /// A client that sends its request head a byte at a time (slowloris) is closed after the head timeout, and a
  /// prompt client is still served meanwhile.
  @Test func aSlowClientIsClosedAfterTheHeadTimeout() async throws {
    try await withServer(configure: { $0.requestHeadTimeout = .milliseconds(300) }) { client in
      let port = client.port
      let closedAfter: Double = try await withCheckedThrowingContinuation { continuation in
        Thread {
          continuation.resume(with: Result {
            let fd = try HTTPClient.connect(port: port, receiveTimeout: 10)
            defer { close(fd) }
            let partial = Array("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar".utf8)
            _ = partial.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            let start = Date()
            var buffer = [UInt8](repeating: 0, count: 1024)
            while recv(fd, &buffer, buffer.count, 0) > 0 {}
            return Date().timeIntervalSince(start)
          })
        }.start()
      }
      #expect(closedAfter < 5, "the slow connection stayed open \(closedAfter) s")
      #expect(try await call(client, "ListStateMachines").status == 200)
    }
  }

  @Test func oversizedBodiesAndNonHTTPGetAWSErrors() async throws {
    try await withServer(maxBodyBytes: 1000) { client in
      let big = try await call(client, "StartExecution", "{\"input\": \"\(String(repeating: "x", count: 2000))\"}")
      #expect(big.status == 413)
      #expect(try big.jsonValue()["__type"] == "RequestEntityTooLargeException")
      let garbage = try await client.sendRaw(Data("HELLO THERE\r\n\r\n".utf8))
      #expect(garbage.status == 400)
      #expect(try garbage.jsonValue()["__type"] == "SerializationException")
    }
  }
}
