import FlowServing
import Foundation
import Testing

@Suite struct DataCaptureTests {
  static func lines(in directory: String, endpoint: String) throws -> [[String: Any]] {
    let folder = directory + "/" + endpoint
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }
    #expect(files.count == 1)
    let file = try #require(files.first)
    #expect(file.range(of: #"^\d{4}-\d{2}-\d{2}\.jsonl$"#, options: .regularExpression) != nil)
    let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
    return try text.split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test func everyRequest_isCaptured_withFeaturesAndPredictions() async throws {
    let capture = try TemporaryDirectory()
    defer { capture.remove() }
    var answers: [[String: Any]] = []
    try await Fixture.with(configure: { $0.captureDirectory = capture.path; $0.captureFraction = 1 }) { fixture in
      for rows in [[0], [1, 2]] {
        let reply = try await fixture.client.post("/invocations", body: Fixture.csvRows(rows))
        answers.append(try reply.json())
      }
      _ = try await fixture.client.post("/invocations", body: "bad\n")   // errors are not captured
      _ = try await fixture.client.post("/endpoints/prices/invocations", body: "{\"instances\": [[1, null]]}", contentType: "application/json")
    }
    let records = try Self.lines(in: capture.path, endpoint: "iris-like")
    #expect(records.count == 2)
    #expect(records[0]["endpoint"] as? String == "iris-like")
    #expect(records[0]["model"] as? String == "tiny-classifier")
    #expect(records[0]["version"] as? String == "1")
    #expect((records[0]["time"] as? String)?.hasSuffix("Z") == true)
    let features = try #require(records[1]["features"] as? [[Any]])
    #expect(features.count == 2)
    #expect(features[0].count == 4)
    #expect(features[0][3] as? String == TinyModels.classificationData.columns[3].text(at: 1))
    let x0 = try TinyModels.classificationData.column(named: "x0")
    #expect((features[1][0] as? NSNumber)?.doubleValue == Double(x0.text(at: 2)!))
    for (record, answer) in zip(records, answers) {
      #expect(NSArray(array: record["predictions"] as! [Any]) == NSArray(array: answer["predictions"] as! [Any]))
    }
    let prices = try Self.lines(in: capture.path, endpoint: "prices")
    #expect(prices.count == 1)
    #expect((prices[0]["features"] as? [[Any]])?[0][1] is NSNull)
  }

  @Test func fraction_samplesDeterministically() async throws {
    let capture = try TemporaryDirectory()
    defer { capture.remove() }
    try await Fixture.with(configure: { $0.captureDirectory = capture.path; $0.captureFraction = 0.25 }) { fixture in
      for _ in 0..<20 { _ = try await fixture.client.post("/invocations", body: "1,2,3,red\n") }
      let metrics = try await fixture.client.get("/metrics").text
      #expect(metrics.contains("flow_serving_captured_requests_total 5"))
    }
    #expect(try Self.lines(in: capture.path, endpoint: "iris-like").count == 5)
  }

  @Test func invalidFraction_isRejected() async throws {
    var configuration = ServerConfiguration()
    configuration.captureFraction = 1.5
    configuration.captureDirectory = "/tmp"
    #expect(throws: ServingError.self) { try configuration.validate() }
  }
}
