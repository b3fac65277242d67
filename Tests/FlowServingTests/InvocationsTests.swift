import FlowCore
import FlowServing
import FlowTraining
import FlowTesting
import Foundation
import Testing

@Suite struct InvocationsTests {
  /// The labels and probabilities of a JSON answer, in row order.
  static func predictions(_ reply: HTTPClient.Reply) throws -> [(label: String, probabilities: [String: Double])] {
    let items = try #require(try reply.jsonValue()["predictions"]?.arrayValue)
    return try items.map { item in
      let label = try #require(item["label"]?.stringValue)
      let object = try #require(item["probabilities"]?.objectValue)
      var probabilities: [String: Double] = [:]
      for (name, value) in object { probabilities[name] = value.doubleValue }
      return (label, probabilities)
    }
  }

  /// Checks an answer against `ModelArtifact.predict` on the same rows, number for number.
  static func expectEqualToArtifact(_ reply: HTTPClient.Reply, rows: [Int], fixture: Fixture) throws {
    #expect(reply.status == 200, "\(reply.text)")
    let expected = try fixture.classifier.predict(TinyModels.classificationData.rows(rows))
    let got = try predictions(reply)
    let classes = try #require(fixture.classifier.target.classes)
    #expect(got.map(\.label) == expected.labels)
    let probabilities = try #require(expected.probabilities)
    for (row, answer) in got.enumerated() {
      for (k, name) in classes.enumerated() {
        #expect(answer.probabilities[name] == probabilities[row, k], "row \(row) class \(name)")
      }
    }
  }

  @Test func ping_answers200_onceAModelIsLoaded() async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.get("/ping")
      #expect(reply.status == 200)
    }
  }

  @Test func csvRows_predictExactlyWhatTheArtifactPredicts() async throws {
    try await Fixture.with { fixture in
      let rows = [0, 1, 2, 10, 44, 89]
      let reply = try await fixture.client.post("/invocations", body: Fixture.csvRows(rows))
      try Self.expectEqualToArtifact(reply, rows: rows, fixture: fixture)
      let json = try reply.json()
      #expect(json["model"] as? String == "tiny-classifier")
      #expect(json["version"] as? String == "1")
      #expect(reply.headers["content-type"] == "application/json")
    }
  }

  @Test func namedEndpoint_andCRLFLines_andQuotedFields() async throws {
    try await Fixture.with { fixture in
      let body = Fixture.csvRows([3, 4]).replacingOccurrences(of: "\n", with: "\r\n")
        .replacingOccurrences(of: ",red", with: ",\"red\"")
      let reply = try await fixture.client.post("/endpoints/iris-like/invocations", body: body)
      try Self.expectEqualToArtifact(reply, rows: [3, 4], fixture: fixture)
    }
  }

  @Test func jsonArraysAndObjects_predictLikeTheArtifact() async throws {
    try await Fixture.with { fixture in
      let data = TinyModels.classificationData
      func value(_ name: String, _ row: Int) -> String {
        let text = try! data.column(named: name).text(at: row)!
        return name == "color" ? "\"\(text)\"" : text
      }
      let arrays = "{\"instances\": [" + [5, 6].map { row in
        "[" + ["x0", "x1", "x2", "color"].map { value($0, row) }.joined(separator: ",") + "]"
      }.joined(separator: ",") + "]}"
      try Self.expectEqualToArtifact(try await fixture.client.post("/invocations", body: arrays, contentType: "application/json"),
                                     rows: [5, 6], fixture: fixture)
      let objects = "{\"instances\": [" + [7, 8].map { row in
        "{" + ["color", "x2", "x1", "x0"].map { "\"\($0)\": \(value($0, row))" }.joined(separator: ",") + "}"
      }.joined(separator: ",") + "]}"
      try Self.expectEqualToArtifact(try await fixture.client.post("/invocations", body: objects,
                                                                   contentType: "application/json; charset=utf-8"),
                                     rows: [7, 8], fixture: fixture)
    }
  }

  @Test func missingValues_areImputedAsInTraining() async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.post("/invocations", body: ",1.5,NA,\n")
      #expect(reply.status == 200, "\(reply.text)")
      let dataset = try Dataset(columns: [.numeric("x0", [nil]), .numeric("x1", [1.5]), .numeric("x2", [nil]), .categorical("color", [nil])])
      let expected = try fixture.classifier.predict(dataset)
      #expect(try Self.predictions(reply).map(\.label) == expected.labels)
      #expect(try Self.predictions(reply)[0].probabilities["a"] == expected.probabilities?[0, 0])
    }
  }

  @Test func regression_answersValues() async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.post("/endpoints/prices/invocations", body: "{\"instances\": [[1.5, 3], [0, 0]]}",
                                                contentType: "application/json")
      #expect(reply.status == 200, "\(reply.text)")
      let json = try reply.json()
      let values = try #require(try reply.jsonValue()["predictions"]?.arrayValue).map { $0["value"]?.doubleValue }
      let expected = try fixture.regressor.predict(try Dataset(columns: [.numeric("x0", [1.5, 0]), .numeric("x1", [3, 0])]))
      #expect(values == (expected.values ?? []).map { Optional($0) })
      #expect(json["version"] as? String == "7")
    }
  }

  @Test func acceptCSV_answersOneLabelPerLine() async throws {
    try await Fixture.with { fixture in
      let rows = [0, 1, 2]
      let reply = try await fixture.client.post("/invocations", body: Fixture.csvRows(rows), headers: ["Accept": "text/csv"])
      #expect(reply.status == 200)
      #expect(reply.headers["content-type"] == "text/csv")
      let expected = try fixture.classifier.predict(TinyModels.classificationData.rows(rows))
      #expect(reply.text == (expected.labels ?? []).map { $0 + "\n" }.joined())
    }
  }

  struct BadRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var path = "/invocations"
    var body: String
    var contentType: String? = "text/csv"
    var status: Int
    var message: String
    var testDescription: String { name }
  }

  static let badRequests: [BadRequest] = [
    BadRequest(name: "too few values", body: "1,2,red\n", status: 400, message: "has 3 values; the model expects 4 features"),
    BadRequest(name: "too many values", body: "1,2,3,red\n1,2,3,red,5\n", status: 400, message: "CSV row 2 has 5 values"),
    BadRequest(name: "text in a numeric feature", body: "1,abc,3,red\n", status: 400, message: "feature 'x1': 'abc' is not a number"),
    BadRequest(name: "unterminated quote", body: "1,2,3,\"red\n", status: 400, message: "unterminated quoted field"),
    BadRequest(name: "empty CSV", body: "\n\n", status: 400, message: "no rows"),
    BadRequest(name: "malformed JSON", body: "{\"instances\": [[1,2", contentType: "application/json", status: 400, message: "not valid JSON"),
    BadRequest(name: "JSON without instances", body: "{\"rows\": []}", contentType: "application/json", status: 400, message: "no \"instances\""),
    BadRequest(name: "JSON wrong width", body: "{\"instances\": [[1,2,3]]}", contentType: "application/json", status: 400,
               message: "instance 1 has 3 values"),
    BadRequest(name: "JSON boolean", body: "{\"instances\": [[1,true,3,\"red\"]]}", contentType: "application/json", status: 400,
               message: "boolean is not a number"),
    BadRequest(name: "JSON number too large", body: "{\"instances\": [[1e999,2,3,\"red\"]]}", contentType: "application/json",
               status: 400, message: "number out of range: 1e999"),
    BadRequest(name: "JSON number too small", body: "{\"instances\": [{\"x0\":1,\"x1\":-1e999,\"x2\":3,\"color\":\"red\"}]}",
               contentType: "application/json", status: 400, message: "number out of range: -1e999"),
    BadRequest(name: "CSV number too large", body: "1,2,1e999,red\n", status: 400, message: "feature 'x2': '1e999' is not a number"),
    BadRequest(name: "JSON unknown feature", body: "{\"instances\": [{\"x0\":1,\"x1\":2,\"x2\":3,\"colour\":\"red\"}]}",
               contentType: "application/json", status: 400, message: "unknown feature 'colour'"),
    BadRequest(name: "JSON missing feature", body: "{\"instances\": [{\"x0\":1,\"x1\":2,\"x2\":3}]}",
               contentType: "application/json", status: 400, message: "no value for feature 'color'"),
    BadRequest(name: "unsupported content type", body: "1,2,3,red", contentType: "application/x-www-form-urlencoded", status: 415,
               message: "unsupported Content-Type"),
    BadRequest(name: "no content type", body: "1,2,3,red", contentType: nil, status: 415, message: "no Content-Type"),
    BadRequest(name: "unknown endpoint", path: "/endpoints/nope/invocations", body: "1,2,3,red", status: 404,
               message: "no endpoint named 'nope'"),
    BadRequest(name: "unknown route", path: "/predict", body: "1,2,3,red", status: 404, message: "no route"),
  ]

  @Test(arguments: badRequests)
  func badRequest_gets4xxWithJSONMessage(_ bad: BadRequest) async throws {
    try await Fixture.with { fixture in
      let reply = try await fixture.client.post(bad.path, body: bad.body, contentType: bad.contentType)
      #expect(reply.status == bad.status)
      let message = try #require(try reply.json()["error"] as? String)
      #expect(message.contains(bad.message), "\(message)")
      #expect(try await fixture.client.get("/ping").status == 200)  // still alive
    }
  }

  @Test func bodyLargerThanTheLimit_gets413() async throws {
    try await Fixture.with(configure: { $0.maxBodyBytes = 1000 }) { fixture in
      let body = String(repeating: "1,2,3,red\n", count: 200)
      let reply = try await fixture.client.post("/invocations", body: body)
      #expect(reply.status == 413)
      #expect(try reply.json()["error"] as? String != nil)
      #expect(try await fixture.client.post("/invocations", body: "1,2,3,red\n").status == 200)
    }
  }

  @Test func bearerToken_isRequiredExceptOnPing() async throws {
    try await Fixture.with(configure: { $0.bearerToken = "s3cret" }) { fixture in
      #expect(try await fixture.client.get("/ping").status == 200)
      let missing = try await fixture.client.post("/invocations", body: "1,2,3,red\n")
      #expect(missing.status == 401)
      #expect(missing.headers["www-authenticate"] == "Bearer")
      #expect(try await fixture.client.post("/invocations", body: "1,2,3,red\n", headers: ["Authorization": "Bearer wrong"]).status == 401)
      #expect(try await fixture.client.get("/metrics").status == 401)
      let good = try await fixture.client.post("/invocations", body: "1,2,3,red\n", headers: ["Authorization": "Bearer s3cret"])
      #expect(good.status == 200)
    }
  }
}
