import Testing
@testable import FlowTraining

@Suite struct LabelEncoderTests {
  @Test func sortsNumericLabelsNumerically() throws {
    let encoder = try LabelEncoder.fit(.numeric("y", [10, 2, 2, 1]))
    #expect(encoder.classes == ["1", "2", "10"])
    #expect(try encoder.encode(.numeric("y", [10, 1])) == [2, 0])
    #expect(encoder.decode([1]) == ["2"])
  }

  @Test func missingTarget_reportsLine() throws {
    let error = try #require(throws: TrainingError.self) { try LabelEncoder.fit(.categorical("y", ["a", nil])) }
    #expect(error.location == .init(line: 3, column: "y"))
  }

  @Test func unknownLabel_throws() throws {
    let encoder = try LabelEncoder.fit(.categorical("y", ["a", "b"]))
    #expect(throws: TrainingError.self) { try encoder.encode(.categorical("y", ["c"])) }
  }
}
