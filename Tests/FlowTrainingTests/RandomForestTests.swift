import Testing
@testable import FlowTraining

@Suite struct RandomForestTests {
  @Test func classification_separatesBlobs_andIsDeterministic() throws {
    let (x, y) = Fixtures.blobs(n: 300, classes: 3)
    let params = try RandomForestParameters(["n_estimators": .int(20)])
    let a = try RandomForest.fit(x, .classes(y, classCount: 3), parameters: params, progress: nil)
    let b = try RandomForest.fit(x, .classes(y, classCount: 3), parameters: params, progress: nil)
    #expect(a == b)
    let p = a.predict(x)
    #expect(abs(p.row(5).reduce(0, +) - 1) < 1e-9)
    #expect(ClassificationMetrics.accuracy(y, p.argmaxRows()) > 0.95)
  }

  @Test func regression_andDepthLimit() throws {
    let params = try RandomForestParameters(["n_estimators": .int(30), "max_depth": .int(3)])
    let model = try RandomForest.fit(Fixtures.waves, .values(Fixtures.regressionWaves), parameters: params, progress: nil)
    #expect(model.trees.allSatisfy { $0.depth <= 3 })
    #expect(RegressionMetrics.r2(Fixtures.regressionWaves, model.predict(Fixtures.waves).column(0)) > 0.7)
  }

  @Test func digitsAccuracy() throws {
    let d = Fixtures.digitsSplit
    let model = try RandomForest.fit(d.train, .classes(d.trainLabels, classCount: 10),
                                     parameters: .init(["n_estimators": .int(30)]), progress: nil)
    #expect(ClassificationMetrics.accuracy(d.testLabels, model.predict(d.test).argmaxRows()) > 0.93)
  }

  @Test func rejectsBadParameters() {
    #expect(throws: TrainingError.self) { try RandomForestParameters(["max_features": .string("half")]) }
    #expect(throws: TrainingError.self) { try RandomForestParameters(["n_estimators": .int(0)]) }
    #expect(throws: TrainingError.self) { try RandomForestParameters(["min_samples_split": .int(1)]) }
  }
}
