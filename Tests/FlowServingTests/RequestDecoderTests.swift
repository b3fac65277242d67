import FlowTraining
import Testing
@testable import FlowServing

@Suite struct RequestDecoderTests {
  let decoder = RequestDecoder(features: [FeatureSpec(name: "a", type: .numeric), FeatureSpec(name: "city", type: .categorical)])

  func csv(_ text: String) throws(ServingError) -> FeatureRows {
    var bytes = Array(text.utf8)
    return try bytes.withUnsafeMutableBufferPointer { buffer throws(ServingError) in try decoder.decodeCSV(UnsafeBufferPointer(buffer)) }
  }

  @Test func csv_readsNumbersCategoriesAndMissingValues() throws {
    let rows = try csv(" 1.5 , Paris\n-2e-3,\"New York, NY\"\r\n\nNA,\n")
    #expect(rows.count == 3)
    #expect(rows.values == [.number(1.5), .text("Paris"), .number(-0.002), .text("New York, NY"), .missing, .missing])
  }

  @Test func csv_numbersInACategoricalFeature_stayNumbers() throws {
    #expect(try csv("3,7\n").values == [.number(3), .number(7)])
  }

  @Test func csv_quotedNumber_isANumber_andDoubledQuotesUnescape() throws {
    #expect(try csv("\"4\",\"say \"\"hi\"\"\"\n").values == [.number(4), .text("say \"hi\"")])
  }

  @Test(arguments: ["inf,x", "0x10,x", "nan1,x", "1,2,3", "\"1\"x,y"])
  func csv_rejects(_ text: String) {
    #expect(throws: ServingError.self) { try csv(text) }
  }

  @Test func json_acceptsABareArrayOfInstances() throws {
    #expect(try decoder.decodeJSON("[[1, \"Oslo\"], [null, null]]").values == [.number(1), .text("Oslo"), .missing, .missing])
  }

  @Test func mediaType_ignoresParametersAndCase() throws {
    #expect(try MediaType(contentType: "Text/CSV; charset=utf-8") == .csv)
    #expect(try MediaType(contentType: "application/json") == .json)
    #expect(throws: ServingError.self) { try MediaType(contentType: "text/plain") }
  }

  @Test func acceptHeader_prefersCSVOnlyWhenAskedFirst() {
    #expect(InvocationsRoute.prefersCSV("text/csv"))
    #expect(InvocationsRoute.prefersCSV("text/csv, application/json;q=0.5"))
    #expect(!InvocationsRoute.prefersCSV("application/json, text/csv"))
    #expect(!InvocationsRoute.prefersCSV("*/*"))
    #expect(!InvocationsRoute.prefersCSV(nil))
  }

  @Test func featureEncoder_matchesThePreprocessor() throws {
    let artifact = try TinyModels.classifier()
    let data = TinyModels.classificationData.removing("label")
    let expected = try artifact.preprocessing.transform(data)
    var values: [FeatureValue] = []
    for row in 0..<data.rowCount {
      for column in data.columns {
        switch column.values {
        case .numeric(let v): values.append(v[row].map(FeatureValue.number) ?? .missing)
        case .categorical(let v): values.append(v[row].map(FeatureValue.text) ?? .missing)
        }
      }
    }
    let encoded = FeatureEncoder(artifact.preprocessing).encode(FeatureRows(width: 4, values: values))
    #expect(encoded == expected)
  }
}
