import Foundation
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
    // Votes decide scikit-learn's predict(); calibrated probabilities are compared below.
    let params = try SVMParameters(["C": .double(10), "tol": .double(1e-6), "probability": .bool(false)])
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

  @Test func digits_probabilitiesAreCalibrated_notVoteShares() throws {
    let d = Fixtures.digitsSplit
    let model = try SVM.fit(d.train, .classes(d.trainLabels, classCount: 10), parameters: .init(), progress: nil)
    #expect(model.machines.allSatisfy { $0.sigmoid != nil })
    let probabilities = model.predict(d.test)
    for r in 0..<probabilities.rows {
      let row = (0..<10).map { probabilities[r, $0] }
      #expect(abs(row.reduce(0, +) - 1) < 1e-6)
    }
    // Vote shares put at most 9/45 = 0.2 on the winner, so their log loss is about 1.6; calibrated, flow and
    // scikit-learn's SVC(probability=True) both score 0.106 on bench/training.sh's digits split.
    let logLoss = ClassificationMetrics.logLoss(d.testLabels, probabilities: probabilities)
    #expect(logLoss < 0.15, "SVM digits log loss \(logLoss)")
    #expect(ClassificationMetrics.accuracy(d.testLabels, probabilities.argmaxRows()) >= 0.98)
    let confident = (0..<probabilities.rows).map { r in (0..<10).map { probabilities[r, $0] }.max()! }
    #expect(confident.sorted()[confident.count / 2] > 0.9)   // the median winner is confident, not 0.2
  }

  @Test func pairwiseCoupling_recoversConsistentProbabilities() {
    let p = [0.5, 0.3, 0.2]
    let r = (0..<3).map { i in (0..<3).map { j in i == j ? 0 : p[i] / (p[i] + p[j]) } }
    let coupled = SVM.couple(r)
    for k in 0..<3 { #expect(abs(coupled[k] - p[k]) < 1e-3) }
  }

  @Test func plattSigmoid_separatesAndOrdersDecisionValues() {
    let f: [Double] = [-3, -2, -1.5, -1, -0.5, 0.2, 0.5, 1, 2, 3]
    let y: [Double] = [-1, -1, -1, -1, 1, -1, 1, 1, 1, 1]
    let sigmoid = SVM.fitSigmoid(f, y)
    #expect(sigmoid.a < 0)
    #expect(sigmoid.probability(3) > 0.9 && sigmoid.probability(-3) < 0.1)
    #expect(sigmoid.probability(1) > sigmoid.probability(0))
  }

  @Test func anArtifactWithoutSigmoids_stillLoads_andGivesVoteShares() throws {
    let params = try SVMParameters(["probability": .bool(false)])
    let model = try SVM.fit(Fixtures.waves, .classes(Fixtures.ternaryWaves, classCount: 3), parameters: params, progress: nil)
    let data = try JSONEncoder().encode(model)
    #expect(!String(decoding: data, as: UTF8.self).contains("sigmoid"))  // the shape saved before calibration existed
    let loaded = try JSONDecoder().decode(SVM.self, from: data)
    #expect(loaded == model)
    let shares = loaded.predict(Fixtures.waves.rows([0]))
    #expect((0..<3).allSatisfy { [0, 1.0 / 3, 2.0 / 3, 1].contains(shares[0, $0]) })
  }

  @Test func rejectsBadParameters() {
    #expect(throws: TrainingError.self) { try SVMParameters(["gamma": .string("wide")]) }
    #expect(throws: TrainingError.self) { try SVMParameters(["C": .double(-1)]) }
    #expect(throws: TrainingError.self) { try SVMParameters(["multiclass": .string("all")]) }
  }
}
