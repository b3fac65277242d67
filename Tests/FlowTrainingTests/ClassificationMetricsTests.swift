import Testing
@testable import FlowTraining

/// Expected values computed with scikit-learn 1.9.
@Suite struct ClassificationMetricsTests {
  let truth = [0, 1, 2, 2, 1, 0, 2, 1, 0, 0]
  let predicted = [0, 2, 2, 2, 1, 0, 1, 1, 1, 0]

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

  @Test func accuracyAndBalancedAccuracy() {
    #expect(ClassificationMetrics.accuracy(truth, predicted) == 0.7)
    #expect(close(ClassificationMetrics.balancedAccuracy(truth, predicted, classCount: 3), 0.6944444444444443))
  }

  @Test func perClassAndAverages() {
    let scores = ClassificationMetrics.perClass(truth, predicted, classCount: 3)
    #expect(scores.map(\.support) == [4, 3, 3])
    #expect(close(scores[0].precision, 1) && close(scores[0].recall, 0.75) && close(scores[0].f1, 0.8571428571428571))
    #expect(close(scores[1].f1, 0.5714285714285714))
    let macro = ClassificationMetrics.macroAverage(scores)
    #expect(close(macro.precision, 0.7222222222222222) && close(macro.f1, 0.6984126984126983))
    let weighted = ClassificationMetrics.weightedAverage(scores)
    #expect(close(weighted.precision, 0.75) && close(weighted.recall, 0.7) && close(weighted.f1, 0.7142857142857142))
  }

  @Test func confusionMatrix() {
    #expect(ClassificationMetrics.confusionMatrix(truth, predicted, classCount: 3) == [[3, 1, 0], [0, 2, 1], [0, 1, 2]])
  }

  @Test func logLossAndAUC() throws {
    let p = Matrix([[0.7, 0.2, 0.1], [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1],
                    [0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.5, 0.3], [0.4, 0.5, 0.1], [0.8, 0.1, 0.1]])
    #expect(close(ClassificationMetrics.logLoss(truth, probabilities: p), 0.6198671759123838))
    #expect(close(try #require(ClassificationMetrics.rocAUC(truth, probabilities: p)), 0.9285714285714285))
  }

  @Test func binaryAUC_withTies() throws {
    let auc = ClassificationMetrics.binaryAUC([false, false, true, true, false, true], scores: [0.1, 0.4, 0.35, 0.8, 0.4, 0.9])
    #expect(close(try #require(auc), 0.7777777777777778))
    #expect(ClassificationMetrics.binaryAUC([true, true], scores: [0.1, 0.2]) == nil)
  }
}
