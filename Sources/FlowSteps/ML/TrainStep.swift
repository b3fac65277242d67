import FlowCore
import FlowTraining
import Foundation

/// `flow:train`: trains one model on a processed data set and stores it as a content-addressed model artifact.
///
/// Parameters: `Dataset` (the output of `flow:process`, required), `Algorithm` (required: `svm`,
/// `logistic_regression`, `gradient_boosting`, `random_forest`, `mlp`, `knn`, `linear_regression`, `ridge`),
/// `Hyperparameters` (scikit-learn names), `Features` (default: every column but the target), `Target` (default: the
/// data set's), `TrainOn` (splits to train on, default `[train]`; `[train, validation]` refits on both),
/// `Preprocessing` (`{Imputation: mean|median|most_frequent, Standardize: true}`), `Task` (`classification` or
/// `regression`, default inferred).
///
/// Progress (iterations, epochs, trees) is logged as it trains. Output: the model reference `{"path", "sha256",
/// "algorithm", "hyperparameters", "metrics", "target", "trainingRows", "datasetHash", "trainingSeconds"}`;
/// `metrics` has `train_*` and, when the validation split was not trained on, `validation_*` scores.
public struct TrainStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["Dataset", "Algorithm", "Hyperparameters", "Features", "Target", "TrainOn", "Preprocessing", "Task"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Train", known: Self.fields)
    let job = try TrainingJob(parameters, step: "Train")
    let data = try job.load(step: "Train", environment: environment)
    let progress = TrainingProgressLog(logger: context.logger, label: "\(context.stateName) \(job.configuration.algorithm.rawValue)")
    context.logger.info("\(context.stateName): training \(job.configuration.algorithm.rawValue) on \(data.train.rowCount) rows (\(job.trainOn.joined(separator: "+")))")
    let started = Date()
    let configuration = job.configuration
    let artifact = try await blockingWork {
      try mapTrainingErrors("Train") { try Trainer.train(configuration, on: data.train, validation: data.validation, progress: progress.handler,
                                                          fingerprint: sha256Fingerprint) }
    }
    let seconds = Date().timeIntervalSince(started)
    let stored = try environment.artifacts.store(try mapTrainingErrors("Train") { try artifact.encoded() }, ext: "json",
                                                 kind: "model", inputs: data.inputs, context: context)
    let summary = artifact.metrics.keys.sorted().filter { $0.hasSuffix("accuracy") || $0.hasSuffix("rmse") }
      .map { "\($0) \(String(format: "%.4f", artifact.metrics[$0]!))" }.joined(separator: ", ")
    context.logger.info("\(context.stateName): trained in \(String(format: "%.2f", seconds)) s: \(summary)")
    var output = modelJSON(artifact, stored: stored, datasetHash: job.dataset.datasetHash).objectValue!
    output["trainingSeconds"] = .double((seconds * 1000).rounded() / 1000)
    return .object(output)
  }
}

/// What `flow:train` and `flow:tune` share: the data set reference, which splits to train on, and the fixed part
/// of the training configuration.
struct TrainingJob {
  var dataset: DatasetReference
  var configuration: TrainingConfiguration
  var trainOn: [String]

  init(_ parameters: StepParameters, step: String) throws {
    guard let datasetValue = parameters["Dataset"] else { throw parameters.invalid("the parameter 'Dataset' is required (the output of flow:process)") }
    dataset = try DatasetReference(datasetValue, step: step, target: try parameters.optionalString("Target"))
    let algorithmName = try parameters.string("Algorithm")
    guard let algorithm = Algorithm(rawValue: algorithmName) else {
      throw StepFailure("\(step).InvalidParameters",
                        cause: "unknown Algorithm '\(algorithmName)' (known: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    trainOn = try parameters.strings("TrainOn") ?? ["train"]
    for split in trainOn where !["train", "validation"].contains(split) {
      throw parameters.invalid("TrainOn may name 'train' and 'validation', got '\(split)'")
    }
    var preprocessing = PreprocessingOptions()
    if let options = try parameters.object("Preprocessing") {
      let reader = try StepParameters(.object(options), step: step, known: ["Imputation", "Standardize"])
      if let name = try reader.optionalString("Imputation") {
        guard let strategy = ImputationStrategy(rawValue: name) else {
          throw reader.invalid("Preprocessing.Imputation must be one of \(ImputationStrategy.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        preprocessing.imputation = strategy
      }
      preprocessing.standardize = try reader.bool("Standardize", default: true)
    }
    var task: TaskKind?
    if let name = try parameters.optionalString("Task") {
      guard let kind = TaskKind(rawValue: name) else { throw parameters.invalid("Task must be 'classification' or 'regression', got '\(name)'") }
      task = kind
    }
    configuration = TrainingConfiguration(
      algorithm: algorithm, target: dataset.target, features: try parameters.strings("Features"),
      hyperparameters: try parameters.hyperparameters("Hyperparameters"), task: task, preprocessing: preprocessing)
    // Check the hyperparameters before reading any data: a typo fails at once, with the known names.
    _ = try mapTrainingErrors(step) { try AnyModel.resolve(algorithm, configuration.hyperparameters) }
  }

  /// The rows to train on, the held-out validation rows (when not trained on), and the input hashes for lineage.
  func load(step: String, environment: MLEnvironment) throws -> (train: Dataset, validation: Dataset?, inputs: [String]) {
    var parts: [Dataset] = []
    var inputs: [String] = []
    for split in trainOn {
      guard let path = dataset.path(of: split) else {
        throw StepFailure("\(step).InvalidParameters", cause: "the data set has no \(split) split (TrainOn names it)")
      }
      parts.append(try environment.readCSV(path, hash: dataset.hashes[split], step: step))
      inputs.append(dataset.hashes[split] ?? path)
    }
    let train = try parts.count == 1 ? parts[0] : Self.concatenate(parts, step: step)
    var validation: Dataset?
    if !trainOn.contains("validation"), let path = dataset.validation { validation = try environment.readCSV(path, hash: dataset.hashes["validation"], step: step) }
    return (train, validation, inputs)
  }

  /// The rows of several data sets with the same columns, in order.
  static func concatenate(_ parts: [Dataset], step: String) throws -> Dataset {
    let names = parts[0].columnNames
    var columns: [Column] = []
    for name in names {
      var numeric: [Double?] = [], text: [String?] = [], isNumeric = true
      for part in parts {
        let column = try mapTrainingErrors(step) { try part.column(named: name) }
        switch column.values {
        case .numeric(let v): numeric += v; text += v.indices.map { column.text(at: $0) }
        case .categorical(let v): isNumeric = false; text += v
        }
      }
      columns.append(isNumeric ? .numeric(name, numeric) : .categorical(name, text))
    }
    return try mapTrainingErrors(step) { try Dataset(columns: columns) }
  }
}

/// The training-data fingerprint of model artifacts: SHA-256 of the rows' canonical CSV text.
func sha256Fingerprint(_ text: String) -> String { HashAlgorithm.sha256.hexDigest(Array(text.utf8)) }
