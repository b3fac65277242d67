import Testing
@testable import FlowTraining

@Suite struct LogisticRegressionTests {
  @Test func binary_matchesScikitLearn() throws {
    let params = try LogisticRegressionParameters(["tol": .double(1e-9), "max_iter": .int(1000)])
    let model = try LogisticRegression.fit(Fixtures.waves, .classes(Fixtures.binaryWaves, classCount: 2),
                                           parameters: params, progress: nil)
    #expect(abs(model.weights[0] - 2.2571743) < 1e-5)
    #expect(abs(model.weights[1] - 0.42652601) < 1e-5)
    #expect(abs(model.intercepts[0] + 0.08653171) < 1e-5)
  }

  @Test func multinomial_matchesScikitLearn() throws {
    let params = try LogisticRegressionParameters(["C": .double(0.5), "tol": .double(1e-9), "max_iter": .int(1000)])
    let model = try LogisticRegression.fit(Fixtures.waves, .classes(Fixtures.ternaryWaves, classCount: 3),
                                           parameters: params, progress: nil)
    let p = model.predict(Fixtures.waves.rows([0, 1, 2]))
    let expected: [[Double]] = [[0.37846835, 0.33423943, 0.28729222], [0.33311544, 0.55058676, 0.1162978],
                                [0.25891234, 0.50311384, 0.23797382]]
    for r in 0..<3 { for c in 0..<3 { #expect(abs(p[r, c] - expected[r][c]) < 1e-5) } }
  }

  @Test func reportsProgress_andRejectsBadParameters() throws {
    let box = Counter()
    _ = try LogisticRegression.fit(Fixtures.waves, .classes(Fixtures.binaryWaves, classCount: 2),
                                   parameters: .init(), progress: { _ in box.increment() })
    #expect(box.value > 0)
    let error = try #require(throws: TrainingError.self) { try LogisticRegressionParameters(["C": .double(0)]) }
    #expect(error.code == .invalidHyperparameter)
    let typo = try #require(throws: TrainingError.self) { try LogisticRegressionParameters(["max_iters": .int(5)]) }
    #expect(typo.message.contains("did you mean 'max_iter'"))
    #expect(throws: TrainingError.self) {
      try LogisticRegression.fit(Fixtures.waves, .values(Fixtures.regressionWaves), parameters: .init(), progress: nil)
    }
  }

  @Test func digitsAccuracy() throws {
    let d = Fixtures.digitsSplit
    let model = try LogisticRegression.fit(d.train, .classes(d.trainLabels, classCount: 10), parameters: .init(), progress: nil)
    let predicted = model.predict(d.test).argmaxRows()
    #expect(ClassificationMetrics.accuracy(d.testLabels, predicted) > 0.95)
  }
}

