import FlowCore
import FlowTraining
import Foundation

/// `flow:process`: reads a CSV data set, checks it against an optional schema, splits it (seeded, stratified)
/// into train, validation and test parts, fits the preprocessing and computes the statistics baseline that
/// `flow:monitor` compares new data with. Every file it writes is a content-addressed artifact.
///
/// Parameters: `Source` (CSV path, required), `Target` (column, required), `Schema` (see ``DatasetSchema``),
/// `TestFraction` (0.2), `ValidationFraction` (0.1; 0 for none), `Seed` (0), `Stratify` (default: when the target
/// is a class label).
///
/// Output: `{"source", "datasetHash", "target", "rows", "featureCount", "classes", "seed", "train": {"path",
/// "sha256", "bytes", "rows"}, "validation": {…}, "test": {…}, "baseline": {…}, "preprocessing": {…}}`.
public struct ProcessStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["Source", "Target", "Schema", "TestFraction", "ValidationFraction", "Seed", "Stratify"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Process", known: Self.fields)
    let source = try parameters.string("Source")
    let target = try parameters.string("Target")
    let testFraction = try parameters.double("TestFraction", default: 0.2, in: 0.01...0.9)
    let validationFraction = try parameters.double("ValidationFraction", default: 0.1, in: 0...0.9)
    guard testFraction + validationFraction < 0.95 else {
      throw parameters.invalid("TestFraction + ValidationFraction must leave rows to train on, got \(testFraction + validationFraction)")
    }
    let seed = try parameters.int("Seed", default: 0, min: 0)
    let schema = try parameters["Schema"].map(DatasetSchema.init)

    // The source may be another step's artifact (flow:transform's predictions, made on another host).
    let localSource = try environment.readablePath(source, what: "data set", step: "Process")
    var dataset = try environment.readCSV(source, step: "Process")
    let datasetHash = try HashAlgorithm.sha256.hexDigest(ofFileAt: localSource)
    if let schema { dataset = try schema.check(dataset, file: source) }
    let targetColumn = try mapTrainingErrors("Process", file: source) { try dataset.column(named: target) }
    let features = dataset.columnNames.filter { $0 != target }
    guard !features.isEmpty else { throw StepFailure("Process.InvalidSchema", cause: "\(source): no feature columns besides the target '\(target)'") }
    if let row = (0..<targetColumn.count).first(where: { targetColumn.text(at: $0) == nil }) {
      throw StepFailure("Process.InvalidData", cause: "\(source):\(row + 2): column '\(target)': the target is missing")
    }
    context.logger.info("\(context.stateName): read \(dataset.rowCount) rows × \(dataset.columns.count) columns from \(source) (sha256 \(datasetHash.prefix(12)))")

    let isClassification = Self.looksLikeClasses(targetColumn)
    let stratify = try parameters.bool("Stratify", default: isClassification)
    let encoder = isClassification ? try mapTrainingErrors("Process", file: source) { try LabelEncoder.fit(targetColumn) } : nil
    let labels = stratify ? try mapTrainingErrors("Process", file: source) { try (encoder ?? LabelEncoder.fit(targetColumn)).encode(targetColumn) } : nil
    let parts: [(name: String, rows: [Int])] = try mapTrainingErrors("Process", file: source) {
      if validationFraction > 0 {
        let split = try DataSplitter.trainValidationTest(count: dataset.rowCount, validationFraction: validationFraction,
                                                         testFraction: testFraction, seed: UInt64(seed), stratifyBy: labels)
        return [("train", split.train), ("validation", split.validation), ("test", split.test)]
      }
      let split = try DataSplitter.trainTest(count: dataset.rowCount, testFraction: testFraction, seed: UInt64(seed), stratifyBy: labels)
      return [("train", split.train), ("test", split.test)]
    }

    let artifacts = environment.artifacts
    var output: JSONObject = [
      "source": .string(source), "datasetHash": .string(datasetHash), "target": .string(target), "rows": .int(dataset.rowCount),
      "featureCount": .int(features.count), "seed": .int(seed), "stratified": .bool(stratify),
    ]
    if let encoder { output["classes"] = .array(encoder.classes.map(JSONValue.string)) }
    var trainHash = datasetHash
    var trainRows = dataset
    for part in parts {
      let rows = dataset.rows(part.rows)
      let stored = try artifacts.store(Data(CSVWriter.text(of: rows).utf8), ext: "csv", kind: "dataset:\(part.name)",
                                       inputs: [datasetHash], context: context)
      var reference = stored.json.objectValue!
      reference["rows"] = .int(rows.rowCount)
      output[part.name] = .object(reference)
      if part.name == "train" { trainHash = stored.sha256; trainRows = rows }
    }

    let statistics = try mapTrainingErrors("Process") { try DatasetStatistics(trainRows, target: isClassification ? target : nil) }
    let baseline = Baseline(target: target, features: features, statistics: statistics,
                            reference: Baseline.Reference(path: output["train"]!["path"]!.stringValue!, sha256: trainHash))
    let storedBaseline = try artifacts.store(try encodeSorted(baseline), ext: "json", kind: "baseline", inputs: [trainHash], context: context)
    output["baseline"] = storedBaseline.json
    let preprocessor = try mapTrainingErrors("Process") { try Preprocessor.fit(trainRows, features: features) }
    let storedPreprocessing = try artifacts.store(try encodeSorted(preprocessor), ext: "json", kind: "preprocessing",
                                                  inputs: [trainHash], context: context)
    output["preprocessing"] = storedPreprocessing.json
    let sizes = parts.map { "\($0.name) \($0.rows.count)" }.joined(separator: ", ")
    context.logger.info("\(context.stateName): split \(stratify ? "stratified by '\(target)'" : "shuffled") with seed \(seed): \(sizes)")
    return .object(output)
  }

  /// Whether a target column holds class labels: text, or whole numbers with at most 50 distinct values.
  static func looksLikeClasses(_ column: Column) -> Bool {
    guard case .numeric(let values) = column.values else { return true }
    let present = values.compactMap { $0 }
    return present.allSatisfy { $0 == $0.rounded() } && Set(present).count <= 50
  }
}

/// The statistics baseline that `flow:process` writes and `flow:monitor` reads: statistics of the training split
/// and a reference to its rows (for the Kolmogorov–Smirnov test, which needs the sample itself).
struct Baseline: Codable, Sendable {
  struct Reference: Codable, Sendable {
    var path: String
    var sha256: String
  }

  var format = "flow-baseline"
  var formatVersion = 1
  var target: String
  var features: [String]
  var statistics: DatasetStatistics
  var reference: Reference

  enum CodingKeys: String, CodingKey {
    case format, formatVersion = "format_version", target, features, statistics, reference
  }
}

/// JSON with sorted keys, so equal values give equal bytes (and one content address).
func encodeSorted<T: Encodable>(_ value: T) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
  return try encoder.encode(value)
}
