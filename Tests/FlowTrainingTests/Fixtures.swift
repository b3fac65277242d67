import Foundation
@testable import FlowTraining

/// Small deterministic data sets shared by the suites of this target.
enum Fixtures {
  /// The package root, found by walking up from this file to the directory holding `Package.swift`.
  static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("data/digits.csv").path) { return url }
      url.deleteLastPathComponent()
    }
    // Private build packages link the sources in; fall back to the real checkout.
    return URL(fileURLWithPath: "/work/main")
  }()

  static var digitsPath: String { packageRoot.appendingPathComponent("data/digits.csv").path }

  /// The digits data set, read once.
  static let digits: Dataset = try! CSVReader().read(contentsOfFile: digitsPath)

  /// 40 rows, 2 features (sin i, cos 3i), as in the scikit-learn reference computations.
  static let waves = Matrix((0..<40).map { i in [sin(Double(i)), cos(3 * Double(i))] })

  static let binaryWaves: [Int] = (0..<40).map { i in
    let d = Double(i)
    return sin(d) + 0.5 * cos(3 * d) + 0.6 * sin(7 * d) > 0 ? 1 : 0
  }

  static let ternaryWaves: [Int] = (0..<40).map { i in
    let d = Double(i)
    return sin(5 * d) > -0.3 ? (i * 7) % 3 : (sin(d) > 0 ? 1 : 0)
  }

  static let regressionWaves: [Double] = (0..<40).map { i in
    let d = Double(i)
    return 2 * sin(d) - 3 * cos(3 * d) + 0.1 * sin(11 * d) + 1
  }

  /// Two Gaussian-ish blobs per class, `n` rows, `classes` classes, 4 features; separable enough for every model.
  static func blobs(n: Int, classes: Int, seed: UInt64 = 1) -> (Matrix, [Int]) {
    var generator = SeededGenerator(seed: seed)
    var rows: [[Double]] = []
    var labels: [Int] = []
    for i in 0..<n {
      let label = i % classes
      let angle = 2 * Double.pi * Double(label) / Double(classes)
      rows.append([3 * cos(angle) + generator.nextGaussian(), 3 * sin(angle) + generator.nextGaussian(),
                   generator.nextGaussian(), Double(label % 2) + 0.5 * generator.nextGaussian()])
      labels.append(label)
    }
    return (Matrix(rows), labels)
  }

  /// A digits train/test split (stratified 80/20, seed 0), standardized on the training rows.
  static let digitsSplit: (train: Matrix, trainLabels: [Int], test: Matrix, testLabels: [Int]) = {
    let encoder = try! LabelEncoder.fit(digits.column(named: "target"))
    let labels = try! encoder.encode(digits.column(named: "target"))
    let split = try! DataSplitter.trainTest(count: digits.rowCount, testFraction: 0.2, seed: 0, stratifyBy: labels)
    let features = digits.columnNames.filter { $0 != "target" }
    let train = digits.rows(split.train), test = digits.rows(split.test)
    let pre = try! Preprocessor.fit(train, features: features)
    return (try! pre.transform(train), split.train.map { labels[$0] }, try! pre.transform(test), split.test.map { labels[$0] })
  }()
}
