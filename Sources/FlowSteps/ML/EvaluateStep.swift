import FlowCore
import FlowTraining
import Foundation

/// `flow:evaluate`: scores a model on a split of a processed data set (the test split by default).
///
/// Parameters: `Model` (the output of `flow:train`, or `flow:tune`'s `best`; or a path, required), `Dataset` (the
/// output of `flow:process`, required), `Split` (`test`, `validation` or `train`; default `test`).
///
/// Output: every metric as a JSON number a Choice state can test (`accuracy`, `balanced_accuracy`, `f1_macro`,
/// `f1_weighted`, `log_loss`, `roc_auc` for classification; `rmse`, `mae`, `r2` for regression), plus `rows`,
/// `split`, `model` (its sha256), and for classification `classes`, `confusionMatrix` (rows: true class, columns:
/// predicted) and `perClass`; `report` references the same as a JSON artifact.
public struct EvaluateStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["Model", "Dataset", "Split"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Evaluate", known: Self.fields)
    guard let modelValue = parameters["Model"] else { throw parameters.invalid("the parameter 'Model' is required") }
    guard let datasetValue = parameters["Dataset"] else { throw parameters.invalid("the parameter 'Dataset' is required") }
    let model = try ModelReference(modelValue, step: "Evaluate")
    let artifact = try environment.loadModel(model, step: "Evaluate").artifact
    let reference = try DatasetReference(datasetValue, step: "Evaluate", target: artifact.target.name)
    let split = try parameters.optionalString("Split") ?? "test"
    guard let path = reference.path(of: split) else {
      throw parameters.invalid("the data set has no '\(split)' split (it has \(["train", "validation", "test"].filter { reference.path(of: $0) != nil }.joined(separator: ", ")))")
    }
    let rows = try environment.readCSV(path, hash: reference.hashes[split], step: "Evaluate")
    var metrics: [String: Double]
    var output = JSONObject()
    if artifact.task == .classification, let classes = artifact.target.classes {
      // One prediction pass gives both the scores and the confusion matrix.
      let (truth, probabilities) = try await blockingWork {
        try mapTrainingErrors("Evaluate", file: path) {
          (try LabelEncoder(classes: classes).encode(try rows.column(named: artifact.target.name)), try artifact.predict(rows).probabilities!)
        }
      }
      metrics = Scores.classification(truth: truth, probabilities: probabilities)
      output = metricsJSON(metrics).objectValue!
      let predicted = probabilities.argmaxRows()
      let matrix = ClassificationMetrics.confusionMatrix(truth, predicted, classCount: classes.count)
      output["classes"] = .array(classes.map(JSONValue.string))
      output["confusionMatrix"] = .array(matrix.map { .array($0.map(JSONValue.int)) })
      let scores = ClassificationMetrics.perClass(truth, predicted, classCount: classes.count)
      output["perClass"] = .array(zip(classes, scores).map { label, score in
        ["class": .string(label), "precision": .double(score.precision), "recall": .double(score.recall),
         "f1": .double(score.f1), "support": .int(score.support)]
      })
    } else {
      metrics = try await blockingWork { try mapTrainingErrors("Evaluate", file: path) { try artifact.evaluate(on: rows) } }
      output = metricsJSON(metrics).objectValue!
    }
    output["rows"] = .int(rows.rowCount)
    output["split"] = .string(split)
    output["model"] = .string(model.sha256 ?? environment.artifacts.hash(ofFileAt: model.path) ?? model.path)
    let inputs = [output["model"]!.stringValue!, reference.hashes[split] ?? path]
    let report = try environment.artifacts.store(Data(JSONValue.object(output).serialized(sortedKeys: true).utf8), ext: "json",
                                                 kind: "evaluation", inputs: inputs, context: context)
    output["report"] = report.json
    let headline = ["accuracy", "f1_macro", "rmse", "r2"].compactMap { name in metrics[name].map { "\(name) \(String(format: "%.4f", $0))" } }
    context.logger.info("\(context.stateName): \(split) split, \(rows.rowCount) rows: \(headline.joined(separator: ", "))")
    return .object(output)
  }
}
