import Testing
@testable import FlowTraining

@Suite struct LinearRegressionTests {
  @Test func ordinaryLeastSquares_matchesScikitLearn() throws {
    let model = try LinearRegression.fit(Fixtures.waves, .values(Fixtures.regressionWaves),
                                         parameters: .init([:], algorithm: .linearRegression), progress: nil)
    #expect(abs(model.weights[0] - 2.00267724) < 1e-7)
    #expect(abs(model.weights[1] + 2.9997045) < 1e-7)
    #expect(abs(model.intercept - 0.9996822295040925) < 1e-9)
  }

  @Test func ridge_matchesScikitLearn() throws {
    let model = try LinearRegression.fit(Fixtures.waves, .values(Fixtures.regressionWaves),
                                         parameters: .init(["alpha": .double(2)]), progress: nil)
    #expect(abs(model.weights[0] - 1.82867602) < 1e-7)
    #expect(abs(model.weights[1] + 2.71322541) < 1e-7)
    #expect(abs(model.intercept - 1.0038853827136176) < 1e-9)
  }

  @Test func collinearFeatures_stillFit() throws {
    let x = Matrix([[1, 2], [2, 4], [3, 6]])
    let model = try LinearRegression.fit(x, .values([1, 2, 3]), parameters: .init([:], algorithm: .linearRegression), progress: nil)
    #expect(RegressionMetrics.rmse([1, 2, 3], model.predict(x).column(0)) < 1e-6)
    #expect(throws: TrainingError.self) { try LinearRegressionParameters(["alpha": .double(1)], algorithm: .linearRegression) }
  }
}
