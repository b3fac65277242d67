import Dispatch
import FlowServing
import FlowTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Slow and malformed clients over real sockets on 127.0.0.1.
@Suite struct HostileClientTests {
  static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

  @Test func slowClients_areClosed_andPingStaysFast() async throws {
    try await Fixture.with(configure: { $0.maxConnections = 64; $0.requestHeadTimeout = .seconds(1) }) { fixture in
      let attack = try SlowClients(port: fixture.client.port, count: 200)
      let closedAfter = Task { await attack.dribble(for: 8) }
      var slowest = 0.0
      for _ in 0..<8 {
        let start = DispatchTime.now().uptimeNanoseconds
        let reply = try await fixture.client.get("/ping")
        #expect(reply.status == 200)
        slowest = max(slowest, Self.seconds(since: start))
        try await Task.sleep(for: .milliseconds(300))
      }
      let closed = await closedAfter.value
      #expect(slowest < 3, "a /ping took \(slowest) s during the attack")
      // Every slow client was closed: shed at the connection limit, or at the 1 s head deadline.
      let open = closed.filter { $0 == nil }.count
      #expect(open == 0, "\(open) of \(closed.count) slow connections are still open")
      #expect((closed.compactMap { $0 }.max() ?? 0) < 6)
    }
  }

  @Test func aBodyThatStopsArriving_isClosedAfterTheBodyTimeout() async throws {
    try await Fixture.with(configure: { $0.requestBodyTimeout = .seconds(1) }) { fixture in
      let start = DispatchTime.now().uptimeNanoseconds
      let head = "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\n1,"
      let reply = await Task.detached { () -> Int in
        guard let fd = try? HTTPClient.connect(port: fixture.client.port, receiveTimeout: 10) else { return -1 }
        defer { close(fd) }
        _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {  // whatever the server sends, it must end the connection
          let n = recv(fd, &buffer, buffer.count, 0)
          if n <= 0 { return n == 0 || errno == ECONNRESET ? 0 : -Int(errno) }
        }
      }.value
      #expect(reply == 0, "the connection was not closed (\(reply))")
      #expect(Self.seconds(since: start) < 6)
    }
  }

  @Test func chunkedBodyOverTheLimit_gets413() async throws {
    try await Fixture.with(configure: { $0.maxBodyBytes = 1000 }) { fixture in
      var request = "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      let chunk = String(repeating: "1,2,3,red\n", count: 50)
      for _ in 0..<4 { request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
      request += "0\r\n\r\n"
      let reply = try await fixture.client.sendRaw(Data(request.utf8))
      #expect(reply.status == 413, "\(reply.text)")
      #expect(try reply.json()["error"] as? String == "the body is larger than the limit of 1000 bytes")
    }
  }

  struct RawRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: String
    var status: Int
    var message: String
    var testDescription: String { name }
  }

  static let malformed: [RawRequest] = [
    RawRequest(name: "garbage request line", bytes: "HELLO THERE\r\n\r\n", status: 400, message: "not valid HTTP/1.1"),
    RawRequest(name: "binary noise", bytes: "\u{1}\u{2}\u{3}\u{4}\r\n\r\n", status: 400, message: "not valid HTTP/1.1"),
    RawRequest(name: "oversized headers", bytes: "GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 90_000) + "\r\n\r\n",
               status: 431, message: "headers are too large"),
  ]

  @Test(arguments: malformed)
  func malformedRequest_getsAJSONError(_ bad: RawRequest) async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.sendRaw(Data(bad.bytes.utf8))
      #expect(reply.status == bad.status)
      #expect(reply.headers["content-type"] == "application/json")
      let message = try #require(try reply.json()["error"] as? String)
      #expect(message.contains(bad.message), "\(message)")
      #expect(try await fixture.client.get("/ping").status == 200)
    }
  }
}

/// Connections that send a request head one byte at a time and never finish it (slowloris).
final class SlowClients: Sendable {
  let sockets: [Int32]

  init(port: Int, count: Int) throws {
    var sockets: [Int32] = []
    for _ in 0..<count {
      let fd = try HTTPClient.connect(port: port, receiveTimeout: 1)
      _ = "GET /ping HTTP/1.1\r\nHost: x\r\n".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
      sockets.append(fd)
    }
    self.sockets = sockets
  }

  /// Sends one more header byte on every open socket each 0.25 s for `seconds`, on a thread of its own; returns,
  /// per socket, how many seconds after the start the server closed it (`nil`: still open). Closes every socket.
  func dribble(for seconds: Double) async -> [Double?] {
    await withCheckedContinuation { continuation in
      Thread {
        let start = DispatchTime.now().uptimeNanoseconds
        var closedAt = [Double?](repeating: nil, count: self.sockets.count)
        var buffer = [UInt8](repeating: 0, count: 512)
        while HostileClientTests.seconds(since: start) < seconds, closedAt.contains(where: { $0 == nil }) {
          for (i, fd) in self.sockets.enumerated() where closedAt[i] == nil {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            let closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
              || send(fd, "a", 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) < 0
            if closed { closedAt[i] = HostileClientTests.seconds(since: start) }
          }
          usleep(250_000)
        }
        for fd in self.sockets { close(fd) }
        continuation.resume(returning: closedAt)
      }.start()
    }
  }
}
