/// A deterministic binary classification problem in the style of scikit-learn's `make_classification`.
///
/// Each class is a mixture of two Gaussian clusters placed on vertices of a hypercube in the
/// informative subspace and stretched by random linear maps; redundant features are random linear
/// combinations of the informative ones, the rest is noise, and 1 % of labels are flipped.
/// Values are rounded to 6 decimals so that writing them to CSV and reading them back is exact.
public struct SyntheticClassification: Sendable {
  /// Number of rows.
  public var rows: Int
  /// Informative features.
  public var informative = 10
  /// Linear combinations of the informative features.
  public var redundant = 10
  /// Pure-noise features.
  public var noise = 30
  /// Seed of everything random.
  public var seed: UInt64 = 42

  /// Creates a generator for `rows` rows.
  public init(rows: Int) { self.rows = rows }

  /// Total number of features.
  public var featureCount: Int { informative + redundant + noise }

  /// The feature matrix and 0/1 labels.
  public func generate() -> (Matrix, [Int]) {
    var generator = SeededGenerator(seed: seed)
    let clusters = 4  // two per class
    let centroids = (0..<clusters).map { _ in (0..<informative).map { _ in generator.nextInt(below: 2) == 0 ? -1.0 : 1.0 } }
    let stretch = (0..<clusters).map { _ in (0..<(informative * informative)).map { _ in 2 * generator.nextUnit() - 1 } }
    let mixing = (0..<(informative * redundant)).map { _ in 2 * generator.nextUnit() - 1 }
    let p = featureCount
    var values = [Double](repeating: 0, count: rows * p)
    var labels = [Int](repeating: 0, count: rows)
    var z = [Double](repeating: 0, count: informative)
    for r in 0..<rows {
      let cluster = generator.nextInt(below: clusters)
      labels[r] = cluster % 2
      for j in 0..<informative { z[j] = generator.nextGaussian() }
      for j in 0..<informative {
        var v = centroids[cluster][j]
        for k in 0..<informative { v += stretch[cluster][j * informative + k] * z[k] }
        values[r * p + j] = v
      }
      for j in 0..<redundant {
        var v = 0.0
        for k in 0..<informative { v += mixing[j * informative + k] * values[r * p + k] }
        values[r * p + informative + j] = v
      }
      for j in 0..<noise { values[r * p + informative + redundant + j] = generator.nextGaussian() }
      if generator.nextUnit() < 0.01 { labels[r] = generator.nextInt(below: 2) }
    }
    for k in 0..<values.count { values[k] = (values[k] * 1e6).rounded() / 1e6 }
    return (Matrix(rows: rows, columns: p, values: values), labels)
  }
}
