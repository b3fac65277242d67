import FlowTraining
import Foundation

/// A data set read from CSV, split 80/20 (stratified, seed 0) and standardized on the training rows.
struct BenchDataset {
  var name: String
  var train: Matrix
  var trainLabels: [Int]
  var test: Matrix
  var testLabels: [Int]
  var classCount: Int
  var loadSeconds: Double

  static func load(_ name: String, root: String, outDirectory: String, syntheticRows: Int) throws -> BenchDataset {
    let path: String
    switch name {
    case "digits":
      path = root + "/data/digits.csv"
    case "synthetic":
      path = outDirectory + "/synthetic.csv"
      try writeSyntheticIfNeeded(path, rows: syntheticRows)
    default:
      throw TrainingError(.invalidArgument, "unknown dataset '\(name)' (digits, synthetic)")
    }
    let start = Date()
    let data = try CSVReader().read(contentsOfFile: path)
    let loadSeconds = Date().timeIntervalSince(start)
    let targetColumn = try data.column(named: "target")
    let encoder = try LabelEncoder.fit(targetColumn)
    let labels = try encoder.encode(targetColumn)
    let split = try DataSplitter.trainTest(count: data.rowCount, testFraction: 0.2, seed: 0, stratifyBy: labels)
    let splitJSON = try JSONEncoder().encode(split)
    try splitJSON.write(to: URL(fileURLWithPath: outDirectory + "/\(name).split.json"))
    let features = data.columnNames.filter { $0 != "target" }
    let trainData = data.rows(split.train), testData = data.rows(split.test)
    let preprocessor = try Preprocessor.fit(trainData, features: features)
    return BenchDataset(name: name, train: try preprocessor.transform(trainData), trainLabels: split.train.map { labels[$0] },
                        test: try preprocessor.transform(testData), testLabels: split.test.map { labels[$0] },
                        classCount: encoder.classes.count, loadSeconds: loadSeconds)
  }

  /// The first `trainRows` training rows and `testRows` test rows (for models whose cost grows with n²).
  func subset(trainRows: Int, testRows: Int) -> BenchDataset {
    guard train.rows > trainRows || test.rows > testRows else { return self }
    var copy = self
    let trainIndices = Array(0..<min(trainRows, train.rows)), testIndices = Array(0..<min(testRows, test.rows))
    copy.name = "\(name)-\(trainIndices.count / 1000)k"
    copy.train = train.rows(trainIndices)
    copy.trainLabels = trainIndices.map { trainLabels[$0] }
    copy.test = test.rows(testIndices)
    copy.testLabels = testIndices.map { testLabels[$0] }
    return copy
  }

  private static func writeSyntheticIfNeeded(_ path: String, rows: Int) throws {
    let marker = path + ".rows"
    if FileManager.default.fileExists(atPath: path),
       (try? String(contentsOfFile: marker, encoding: .utf8)) == "\(rows)" { return }
    let start = Date()
    let (x, y) = SyntheticClassification(rows: rows).generate()
    let header = (0..<x.columns).map { "x\($0)" } + ["target"]
    try CSVWriter.write(features: x, labels: y, header: header, toFile: path)
    try "\(rows)".write(toFile: marker, atomically: true, encoding: .utf8)
    print("wrote \(path) (\(rows) rows) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
  }
}
