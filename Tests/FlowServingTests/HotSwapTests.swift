import FlowServing
import FlowTraining
import Foundation
import Synchronization
import Testing

@Suite struct HotSwapTests {
  @Test func redeploy_underConcurrentLoad_failsNoRequest() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let v1 = try directory.save(try TinyModels.classifier(c: 1), as: "v1.json")
    let v2 = try directory.save(try TinyModels.classifier(c: 0.01), as: "v2.json")
    let source = MutableEndpointSource(["digits": EndpointTarget(modelName: "digits", version: "1", artifactPath: v1)])
    let server = try await TestServer.start(source: source)

    let stop = Shared(false)
    let statuses = Shared<[Int: Int]>([:])
    let versions = Shared<[(started: ContinuousClock.Instant, finished: ContinuousClock.Instant, version: String)]>([])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask {
          while !stop.withLock({ $0 }) {
            let started = ContinuousClock.now
            let reply = try await server.client.post("/invocations", body: Fixture.csvRows([1, 2]))
            statuses.withLock { $0[reply.status, default: 0] += 1 }
            if reply.status == 200, let version = try reply.json()["version"] as? String {
              versions.withLock { $0.append((started, ContinuousClock.now, version)) }
            }
          }
        }
      }
      try await Task.sleep(for: .milliseconds(300))
      source.set(["digits": EndpointTarget(modelName: "digits", version: "2", artifactPath: v2)])
      // Wait until the new version answers, then keep the load on a little longer.
      let deadline = ContinuousClock.now + .seconds(10)
      while versions.withLock({ $0.last?.version }) != "2", ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
      try await Task.sleep(for: .milliseconds(300))
      stop.withLock { $0 = true }
      try await group.waitForAll()
    }
    let seen = versions.withLock { $0 }
    #expect(statuses.withLock { $0 }.keys.sorted() == [200], "\(statuses.withLock { $0 })")
    #expect(Set(seen.map(\.version)) == ["1", "2"])
    // Once version 2 has answered, a request that starts later never gets version 1.
    let firstNew = try #require(seen.filter { $0.version == "2" }.map(\.finished).min())
    #expect(!seen.contains { $0.version == "1" && $0.started > firstNew })
    let endpoints = try await server.client.get("/endpoints").json()["endpoints"] as? [[String: Any]]
    #expect(endpoints?.first?["version"] as? String == "2")
    await server.stop()
  }

  /// A value shared between test tasks.
  final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
  }

  @Test func brokenArtifact_keepsServingThePreviousVersion() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let v1 = try directory.save(try TinyModels.classifier(), as: "v1.json")
    let broken = directory.file("broken.json")
    try Data("{\"format\": \"flow-model\", \"format_ver".utf8).write(to: URL(fileURLWithPath: broken))
    let source = MutableEndpointSource(["m": EndpointTarget(modelName: "m", version: "1", artifactPath: v1)])
    let server = try await TestServer.start(source: source)
    source.set(["m": EndpointTarget(modelName: "m", version: "2", artifactPath: broken)])
    var error: String?
    for _ in 0..<100 where error == nil {
      try await Task.sleep(for: .milliseconds(20))
      let endpoints = try await server.client.get("/endpoints").json()["endpoints"] as? [[String: Any]]
      error = endpoints?.first?["error"] as? String
    }
    #expect(error?.contains("model-load") == true)
    let reply = try await server.client.post("/invocations", body: "1,2,3,red\n")
    #expect(reply.status == 200)
    #expect(try reply.json()["version"] as? String == "1")
    let metrics = try await server.client.get("/metrics").text
    #expect(metrics.contains(#"flow_serving_model_loads_total{endpoint="m",result="failure"} 1"#))
    await server.stop()
  }

  @Test func fileEndpointSource_picksUpARewrittenTable() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try directory.save(try TinyModels.classifier(), as: "v1.json")
    _ = try directory.save(try TinyModels.classifier(c: 0.1), as: "v2.json")
    let table = directory.file("endpoints.json")
    func write(_ version: String) throws {
      try Data("{\"main\": {\"model\": \"digits\", \"version\": \"\(version)\", \"artifact\": \"v\(version).json\"}}".utf8)
        .write(to: URL(fileURLWithPath: table), options: .atomic)
    }
    try write("1")
    let server = try await TestServer.start(source: FileEndpointSource(path: table))
    #expect(try await server.client.post("/invocations", body: "1,2,3,red\n").json()["version"] as? String == "1")
    try write("2")
    var version: String?
    for _ in 0..<100 where version != "2" {
      try await Task.sleep(for: .milliseconds(20))
      version = try await server.client.post("/invocations", body: "1,2,3,red\n").json()["version"] as? String
    }
    #expect(version == "2")
    await server.stop()
  }
}
