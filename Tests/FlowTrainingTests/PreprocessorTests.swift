import Testing
@testable import FlowTraining

@Suite struct PreprocessorTests {
  let train = try! Dataset(columns: [
    .numeric("x", [1, 2, nil, 5]),
    .categorical("color", ["red", nil, "blue", "red"]),
  ])

  @Test func meanImputationThenStandardization() throws {
    let pre = try Preprocessor.fit(train, features: ["x", "color"])
    #expect(pre.outputNames == ["x", "color=blue", "color=red"])
    let m = try pre.transform(train)
    // x imputed with mean 8/3; mean of imputed column is 8/3.
    let column = m.column(0)
    #expect(abs(column.reduce(0, +)) < 1e-12)
    #expect(abs(column.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-12)
    #expect(m.row(1) == [m[1, 0], 0, 1])  // missing color → most frequent (red)
    #expect(m.row(2)[1...] == [1, 0])
  }

  @Test(arguments: [(ImputationStrategy.mean, 8.0 / 3), (.median, 2.0), (.mostFrequent, 1.0)])
  func imputationStrategies(strategy: ImputationStrategy, expected: Double) throws {
    let pre = try Preprocessor.fit(train, features: ["x"], options: .init(imputation: strategy, standardize: false))
    #expect(try pre.transform(train)[2, 0] == expected)
  }

  @Test func unknownCategory_isAllZeros() throws {
    let pre = try Preprocessor.fit(train, features: ["color"])
    let serving = try Dataset(columns: [.categorical("color", ["green", "blue"])])
    let m = try pre.transform(serving)
    #expect(m.row(0) == [0, 0])
    #expect(m.row(1) == [1, 0])
  }

  @Test func missingFeature_isFeatureMismatch() throws {
    let pre = try Preprocessor.fit(train, features: ["x", "color"])
    let error = try #require(throws: TrainingError.self) {
      try pre.transform(Dataset(columns: [.numeric("x", [1])]))
    }
    #expect(error.code == .featureMismatch)
    #expect(error.message.contains("color"))
  }

  @Test func textInNumericFeature_isFeatureMismatch() throws {
    let pre = try Preprocessor.fit(train, features: ["x"])
    let error = try #require(throws: TrainingError.self) {
      try pre.transform(Dataset(columns: [.categorical("x", ["a"])]))
    }
    #expect(error.code == .featureMismatch)
  }

  @Test func unknownFeatureName_isMissingColumn() throws {
    let error = try #require(throws: TrainingError.self) { try Preprocessor.fit(train, features: ["nope"]) }
    #expect(error.code == .missingColumn)
  }
}
