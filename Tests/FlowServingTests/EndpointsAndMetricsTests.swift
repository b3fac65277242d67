import FlowServing
import Foundation
import Testing

@Suite struct EndpointsAndMetricsTests {
  @Test func endpoints_listTheModelVersionOfEachEndpoint() async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.get("/endpoints")
      #expect(reply.status == 200)
      let json = try reply.json()
      #expect(json["default"] as? String == "iris-like")
      let endpoints = try #require(json["endpoints"] as? [[String: Any]])
      #expect(endpoints.map { $0["name"] as? String } == ["iris-like", "prices"])
      #expect(endpoints.map { $0["model"] as? String } == ["tiny-classifier", "tiny-regressor"])
      #expect(endpoints.map { $0["version"] as? String } == ["1", "7"])
      #expect(endpoints[0]["artifact"] as? String == fixture.classifierPath)
      #expect(endpoints[0]["algorithm"] as? String == "logistic_regression")
    }
  }

  @Test func metrics_countRequestsByEndpointVersionAndStatus() async throws {
    try await Fixture.with { fixture in
      for _ in 0..<3 { _ = try await fixture.client.post("/invocations", body: "1,2,3,red\n") }
      _ = try await fixture.client.post("/endpoints/prices/invocations", body: "1,2\n3,4\n")
      _ = try await fixture.client.post("/invocations", body: "1,2\n")
      _ = try await fixture.client.post("/endpoints/missing/invocations", body: "1,2\n")
      let reply = try await fixture.client.get("/metrics")
      #expect(reply.status == 200)
      #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
      let lines = Set(reply.text.split(separator: "\n").map(String.init))
      for expected in [
        #"flow_serving_requests_total{endpoint="iris-like",version="1",code="200"} 3"#,
        #"flow_serving_requests_total{endpoint="iris-like",version="1",code="400"} 1"#,
        #"flow_serving_requests_total{endpoint="prices",version="7",code="200"} 1"#,
        #"flow_serving_requests_total{endpoint="",version="",code="404"} 1"#,
        #"flow_serving_errors_total{endpoint="iris-like",version="1",error="feature-count"} 1"#,
        #"flow_serving_errors_total{endpoint="",version="",error="unknown-endpoint"} 1"#,
        #"flow_serving_request_duration_seconds_count{endpoint="iris-like",version="1"} 4"#,
        #"flow_serving_request_duration_seconds_bucket{endpoint="iris-like",version="1",le="+Inf"} 4"#,
        #"flow_serving_predicted_rows_total{endpoint="prices",version="7"} 2"#,
        #"flow_serving_model_loads_total{endpoint="prices",result="success"} 1"#,
        #"flow_serving_endpoint_info{endpoint="iris-like",model="tiny-classifier",version="1"} 1"#,
        "# TYPE flow_serving_request_duration_seconds histogram",
      ] {
        #expect(lines.contains(expected), "missing: \(expected)\n\(reply.text)")
      }
      // Buckets are cumulative.
      let buckets = lines.filter { $0.hasPrefix(#"flow_serving_request_duration_seconds_bucket{endpoint="iris-like""#) }
        .sorted { Self.bound($0) < Self.bound($1) }.map { Int($0.split(separator: " ").last!)! }
      #expect(buckets == buckets.sorted())
    }
  }

  static func bound(_ line: String) -> Double {
    let le = line.components(separatedBy: "le=\"")[1].prefix { $0 != "\"" }
    return le == "+Inf" ? .infinity : Double(le)!
  }

  @Test func ping_answers503_whenNoModelIsLoaded() async throws {
    let server = try await TestServer.start(source: StaticEndpointSource([:]))
    #expect(try await server.client.get("/ping").status == 503)
    let reply = try await server.client.post("/invocations", body: "1\n")
    #expect(reply.status == 404)
    await server.stop()
  }

  @Test func startup_failsWithModelLoadError_forAMissingArtifact() async throws {
    let source = StaticEndpointSource(["x": EndpointTarget(modelName: "x", version: "1", artifactPath: "/nonexistent/model.json")])
    await #expect(throws: ServingError.self) { _ = try await TestServer.start(source: source) }
  }
}
