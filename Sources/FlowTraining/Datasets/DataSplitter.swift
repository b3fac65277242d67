/// Seeded, optionally stratified splits of row indices: train/test, train/validation/test, k folds.
///
/// Stratified splits keep each class's share in every part: each class's rows are shuffled on
/// their own and the part sizes are shared out over the classes by largest remainder, so the
/// total test size is always `round(count × testFraction)`. Returned indices are ascending.
///
/// ```swift
/// let split = try DataSplitter.trainTest(count: 1797, testFraction: 0.2, seed: 0, stratifyBy: labels)
/// ```
public enum DataSplitter {
  /// Row indices of a two-way split.
  public struct TrainTest: Sendable, Equatable, Codable {
    /// Rows to train on.
    public var train: [Int]
    /// Rows held out for the final score.
    public var test: [Int]
  }

  /// Row indices of a three-way split.
  public struct TrainValidationTest: Sendable, Equatable, Codable {
    /// Rows to train on.
    public var train: [Int]
    /// Rows for early stopping and tuning.
    public var validation: [Int]
    /// Rows held out for the final score.
    public var test: [Int]
  }

  /// One cross-validation fold.
  public struct Fold: Sendable, Equatable, Codable {
    /// Rows to train on.
    public var train: [Int]
    /// Rows to score on.
    public var validation: [Int]
  }

  /// Splits `0..<count` into train and test rows.
  /// - Parameters:
  ///   - count: Number of rows.
  ///   - testFraction: Share of rows for the test part, in (0, 1).
  ///   - seed: Seed of the shuffle.
  ///   - labels: Class of each row, to stratify by; `nil` for a plain shuffle.
  /// - Throws: ``TrainingError`` (`invalid-argument`) if a part would be empty.
  public static func trainTest(count: Int, testFraction: Double, seed: UInt64,
                               stratifyBy labels: [Int]? = nil) throws -> TrainTest {
    let parts = try split(count: count, fractions: [1 - testFraction, testFraction], seed: seed, labels: labels)
    return TrainTest(train: parts[0], test: parts[1])
  }

  /// Splits `0..<count` into train, validation and test rows.
  /// - Throws: ``TrainingError`` (`invalid-argument`) if a part would be empty.
  public static func trainValidationTest(count: Int, validationFraction: Double, testFraction: Double,
                                         seed: UInt64, stratifyBy labels: [Int]? = nil) throws -> TrainValidationTest {
    let parts = try split(count: count, fractions: [1 - validationFraction - testFraction, validationFraction, testFraction],
                          seed: seed, labels: labels)
    return TrainValidationTest(train: parts[0], validation: parts[1], test: parts[2])
  }

  /// `folds` cross-validation folds: every row is in exactly one fold's validation part.
  /// - Throws: ``TrainingError`` (`invalid-argument`) unless `2 <= folds <= count`.
  public static func kFold(count: Int, folds: Int, seed: UInt64, stratifyBy labels: [Int]? = nil) throws -> [Fold] {
    guard folds >= 2, folds <= count else {
      throw TrainingError(.invalidArgument, "k-fold needs 2 ≤ folds ≤ rows, got \(folds) folds for \(count) rows")
    }
    var assignment = [Int](repeating: 0, count: count)
    var generator = SeededGenerator(seed: seed)
    var offset = 0
    for group in groups(count: count, labels: labels) {
      var rows = group
      generator.shuffle(&rows)
      // Deal rows out round-robin, continuing where the last class stopped, so fold sizes differ by at most one.
      for (k, row) in rows.enumerated() { assignment[row] = (offset + k) % folds }
      offset = (offset + rows.count) % folds
    }
    return (0..<folds).map { f in
      Fold(train: (0..<count).filter { assignment[$0] != f }, validation: (0..<count).filter { assignment[$0] == f })
    }
  }

  static func split(count: Int, fractions: [Double], seed: UInt64, labels: [Int]?) throws -> [[Int]] {
    guard fractions.allSatisfy({ $0 > 0 && $0 < 1 }), abs(fractions.reduce(0, +) - 1) < 1e-9 else {
      throw TrainingError(.invalidArgument, "split fractions must each be in (0, 1), got \(fractions.dropFirst().map { "\($0)" }.joined(separator: ", "))")
    }
    if let labels, labels.count != count {
      throw TrainingError(.invalidArgument, "\(labels.count) labels for \(count) rows")
    }
    let groups = groups(count: count, labels: labels)
    // Target size of each part (after the first), then shared over the groups by largest remainder.
    var partTargets = fractions.map { Int(($0 * Double(count)).rounded()) }
    partTargets[0] = count - partTargets.dropFirst().reduce(0, +)
    var sizes = groups.map { _ in [Int](repeating: 0, count: fractions.count) }
    for part in 1..<fractions.count {
      let exact = groups.map { Double($0.count) * fractions[part] }
      var given = exact.map { Int($0.rounded(.down)) }
      var remaining = partTargets[part] - given.reduce(0, +)
      let order = groups.indices.sorted { (exact[$0] - Double(given[$0]), -$0) > (exact[$1] - Double(given[$1]), -$1) }
      for g in order where remaining > 0 { given[g] += 1; remaining -= 1 }
      for g in groups.indices { sizes[g][part] = given[g] }
    }
    var parts = [[Int]](repeating: [], count: fractions.count)
    var generator = SeededGenerator(seed: seed)
    for (g, group) in groups.enumerated() {
      var rows = group
      generator.shuffle(&rows)
      var start = 0
      for part in (1..<fractions.count).reversed() {
        let size = min(sizes[g][part], rows.count - start)
        parts[part].append(contentsOf: rows[start..<(start + size)])
        start += size
      }
      parts[0].append(contentsOf: rows[start...])
    }
    if let empty = parts.firstIndex(where: \.isEmpty) {
      throw TrainingError(.invalidArgument, "split part \(empty + 1) of \(parts.count) would be empty (\(count) rows)")
    }
    return parts.map { $0.sorted() }
  }

  /// Rows grouped by label (one group of all rows when unstratified), groups ordered by label.
  private static func groups(count: Int, labels: [Int]?) -> [[Int]] {
    guard let labels else { return [Array(0..<count)] }
    var byLabel: [Int: [Int]] = [:]
    for (row, label) in labels.enumerated() { byLabel[label, default: []].append(row) }
    return byLabel.keys.sorted().map { byLabel[$0]! }
  }
}
