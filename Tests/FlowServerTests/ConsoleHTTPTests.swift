import FlowCore
import Foundation
import Testing
@testable import FlowServer

/// The web console's routes over a socket, without a browser (`ConsoleBrowserTests` drives it in chromium): the page
/// and its assets, the JSON endpoints, and who may press Stop and Redrive.
@Suite struct ConsoleHTTPTests {
  static func basic(_ id: String, _ secret: String) -> String { "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString() }

  @Test func servesThePageAndReadsWithoutCredentialsOnLoopback() async throws {
    try await HTTPTests().withServer(keys: ["AKIDTEST": "secret"]) { client in
      let page = try await client.get("/")
      #expect(page.status == 200)
      #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
      #expect(page.text.contains("/console/app.js"))
      #expect(try await client.get("/console/app.js").text.contains("textContent"))
      let session = try await client.get("/console/api/session").jsonValue()
      #expect(session["actionsNeedCredentials"] == true)
      #expect(session["readingNeedsCredentials"] == false)
      let list = try await client.get("/console/api/executions?status=FAILED").jsonValue()
      #expect(list["executions"] == .array([]))
      #expect(list["pipelines"] == .array(["from-file"]))
      #expect(try await client.get("/console/api/executions/nope").status == 404)
      #expect(try await client.get("/console/api/executions?status=BOGUS").status == 400)
      for name in ["models", "endpoints", "schedules"] {
        let reply = try await client.get("/console/api/\(name)")
        #expect(reply.status == 200)
      }
    }
  }

  @Test func actionsNeedTheHeaderTheOriginAndTheKeys() async throws {
    try await HTTPTests().withServer(keys: ["AKIDTEST": "secret"]) { client in
      let path = "/console/api/executions/nope/redrive"
      let good = Self.basic("AKIDTEST", "secret")
      func status(_ headers: [String: String]) async throws -> Int { try await client.post(path, body: "{}", headers: headers).status }
      let host = "127.0.0.1:\(client.port)"
      let noHeader = try await status(["Authorization": good])
      let foreign = try await status(["Authorization": good, "X-Flow-Console": "1", "Origin": "http://evil.example"])
      let anonymous = try await status(["X-Flow-Console": "1"])
      let wrong = try await status(["X-Flow-Console": "1", "Authorization": Self.basic("AKIDTEST", "wrong")])
      // Past the checks: the execution does not exist.
      let passed = try await status(["X-Flow-Console": "1", "Authorization": good, "Host": host, "Origin": "http://\(host)"])
      #expect(noHeader == 403)
      #expect(foreign == 403)
      #expect(anonymous == 401)
      #expect(wrong == 401)
      #expect(passed == 404)
    }
  }

  @Test func aCaughtFailureIsCaught() {
    let events: [HistoryEvent] = [
      HistoryEvent(id: 1, previousId: 0, type: .taskStateEntered, timestamp: 1, details: ["name": "Try", "input": "{}"]),
      HistoryEvent(id: 2, previousId: 1, type: .taskStarted, timestamp: 1, details: [:]),
      HistoryEvent(id: 3, previousId: 2, type: .taskFailed, timestamp: 1, details: ["error": "E"]),
      HistoryEvent(id: 4, previousId: 3, type: .taskStateExited, timestamp: 1, details: ["name": "Try", "output": "{}"]),
    ]
    let states = Console.states(events, running: false)
    #expect(states.first?["status"] == "CAUGHT")
  }
}
