import Foundation

/// Classification metrics, computed as scikit-learn does (a zero division counts as 0).
///
/// Labels are class indices `0..<classCount`; probabilities are an `n × classCount` ``Matrix``.
public enum ClassificationMetrics {
  /// Precision, recall, F1 and support of one class.
  public struct ClassScores: Sendable, Codable, Equatable {
    /// Of the rows predicted as this class, the share that are.
    public var precision: Double
    /// Of the rows of this class, the share predicted as it.
    public var recall: Double
    /// Harmonic mean of precision and recall.
    public var f1: Double
    /// Number of rows of this class.
    public var support: Int
  }

  /// Share of rows predicted correctly.
  public static func accuracy(_ truth: [Int], _ predicted: [Int]) -> Double {
    precondition(truth.count == predicted.count && !truth.isEmpty)
    return Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
  }

  /// `counts[t][p]`: rows of true class `t` predicted as `p`.
  public static func confusionMatrix(_ truth: [Int], _ predicted: [Int], classCount: Int) -> [[Int]] {
    var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
    for (t, p) in zip(truth, predicted) { counts[t][p] += 1 }
    return counts
  }

  /// Mean recall over the classes present in `truth`.
  public static func balancedAccuracy(_ truth: [Int], _ predicted: [Int], classCount: Int) -> Double {
    let scores = perClass(truth, predicted, classCount: classCount).filter { $0.support > 0 }
    return scores.map(\.recall).reduce(0, +) / Double(scores.count)
  }

  /// Precision, recall, F1 and support of every class.
  public static func perClass(_ truth: [Int], _ predicted: [Int], classCount: Int) -> [ClassScores] {
    let matrix = confusionMatrix(truth, predicted, classCount: classCount)
    return (0..<classCount).map { c in
      let tp = Double(matrix[c][c])
      let support = matrix[c].reduce(0, +)
      let predictedCount = matrix.reduce(0) { $0 + $1[c] }
      let precision = predictedCount > 0 ? tp / Double(predictedCount) : 0
      let recall = support > 0 ? tp / Double(support) : 0
      let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
      return ClassScores(precision: precision, recall: recall, f1: f1, support: support)
    }
  }

  /// Unweighted mean of per-class scores.
  public static func macroAverage(_ scores: [ClassScores]) -> ClassScores {
    let n = Double(scores.count)
    return ClassScores(precision: scores.map(\.precision).reduce(0, +) / n,
                       recall: scores.map(\.recall).reduce(0, +) / n,
                       f1: scores.map(\.f1).reduce(0, +) / n,
                       support: scores.map(\.support).reduce(0, +))
  }

  /// Support-weighted mean of per-class scores.
  public static func weightedAverage(_ scores: [ClassScores]) -> ClassScores {
    let total = Double(scores.map(\.support).reduce(0, +))
    func mean(_ key: KeyPath<ClassScores, Double>) -> Double {
      scores.reduce(0) { $0 + $1[keyPath: key] * Double($1.support) } / total
    }
    return ClassScores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: Int(total))
  }

  /// Mean negative log-likelihood of the true class; probabilities are clipped to [1e-15, 1 − 1e-15]
  /// and each row renormalised.
  public static func logLoss(_ truth: [Int], probabilities: Matrix) -> Double {
    precondition(truth.count == probabilities.rows)
    let eps = 1e-15
    var total = 0.0
    for (row, t) in truth.enumerated() {
      var sum = 0.0
      for c in 0..<probabilities.columns { sum += min(max(probabilities[row, c], eps), 1 - eps) }
      total -= Foundation.log(min(max(probabilities[row, t], eps), 1 - eps) / sum)
    }
    return total / Double(truth.count)
  }

  /// Area under the ROC curve: of column 1 for two classes, else the macro mean of one-vs-rest AUCs.
  /// Returns `nil` when a class needed for it has no rows.
  public static func rocAUC(_ truth: [Int], probabilities: Matrix) -> Double? {
    if probabilities.columns == 2 {
      return binaryAUC(truth.map { $0 == 1 }, scores: probabilities.column(1))
    }
    var aucs: [Double] = []
    for c in 0..<probabilities.columns {
      guard let auc = binaryAUC(truth.map { $0 == c }, scores: probabilities.column(c)) else { return nil }
      aucs.append(auc)
    }
    return aucs.reduce(0, +) / Double(aucs.count)
  }

  /// Mann–Whitney AUC with average ranks for ties.
  public static func binaryAUC(_ positive: [Bool], scores: [Double]) -> Double? {
    let positives = positive.filter { $0 }.count
    let negatives = positive.count - positives
    guard positives > 0, negatives > 0 else { return nil }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let averageRank = Double(i + j) / 2 + 1
      for k in i...j where positive[order[k]] { rankSum += averageRank }
      i = j + 1
    }
    let p = Double(positives)
    return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
  }
}
