import Testing
@testable import FlowTraining

@Suite struct SVMTests {
  @Test func binaryDecisionValues_matchScikitLearn() throws {
    let params = try SVMParameters(["C": .double(1), "gamma": .double(0.5), "tol": .double(1e-6)])
    let model = try SVM.fit(Fixtures.waves, .classes(Fixtures.binaryWaves, classCount: 2), parameters: params, progress: nil)
    let decisions = model.decisionValues(Fixtures.waves.rows([0, 1, 2, 3]))
    // scikit-learn reports the decision for class 1; machine 0 votes for class 0 when positive.
    let expected = [0.34676451, 1.0000001, 1.30746922, 0.1791837]
    for r in 0..<4 { #expect(abs(-decisions[r, 0] - expected[r]) < 1e-4) }
    #expect(model.supportVectors.rows == 22)
  }

  @Test func multiclassOneVsOne_matchesScikitLearnPredictions() throws {
    let params = try SVMParameters(["C": .double(10), "tol": .double(1e-6)])
    let model = try SVM.fit(Fixtures.waves, .classes(Fixtures.ternaryWaves, classCount: 3), parameters: params, progress: nil)
    let expected = [0, 1, 1, 1, 2, 0, 0, 1, 2, 1, 0, 0, 0, 1, 2, 1, 0, 2, 0, 0, 1, 1, 1, 2, 0, 0, 1, 1, 1, 0,
                    0, 0, 1, 2, 1, 0, 0, 0, 1, 1]
    #expect(model.predict(Fixtures.waves).argmaxRows() == expected)
  }

  @Test func oneVsRest_separatesBlobs() throws {
    let (x, y) = Fixtures.blobs(n: 150, classes: 3)
    let model = try SVM.fit(x, .classes(y, classCount: 3), parameters: SVMParameters(["multiclass": .string("ovr")]), progress: nil)
    #expect(ClassificationMetrics.accuracy(y, model.predict(x).argmaxRows()) > 0.9)
  }

  @Test func digits_reachesAtLeast98Percent() throws {
    let d = Fixtures.digitsSplit
    let model = try SVM.fit(d.train, .classes(d.trainLabels, classCount: 10), parameters: .init(), progress: nil)
    let accuracy = ClassificationMetrics.accuracy(d.testLabels, model.predict(d.test).argmaxRows())
    #expect(accuracy >= 0.98, "SVM digits test accuracy \(accuracy)")
  }

  @Test func rejectsBadParameters() {
    #expect(throws: TrainingError.self) { try SVMParameters(["gamma": .string("wide")]) }
    #expect(throws: TrainingError.self) { try SVMParameters(["C": .double(-1)]) }
    #expect(throws: TrainingError.self) { try SVMParameters(["multiclass": .string("all")]) }
  }
}
