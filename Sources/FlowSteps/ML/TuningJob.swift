import FlowCore
import FlowTraining
import Foundation

/// The parameters of `flow:tune` in SageMaker's HyperparameterTuner shape, read into a ``TuningConfiguration``.
///
/// ```yaml
/// HyperparameterRanges:
///   C: {Type: Continuous, MinValue: 0.5, MaxValue: 50, ScalingType: Logarithmic}
///   max_depth: {Type: Integer, MinValue: 2, MaxValue: 8}
///   multiclass: {Type: Categorical, Values: [ovo, ovr]}
/// Strategy: Bayesian            # Random | Bayesian | Hyperband
/// Objective: {Metric: accuracy, Type: Maximize}
/// MaxJobs: 8
/// MaxParallelJobs: 1
/// Resource: {Parameter: max_iter, MinValue: 10, MaxValue: 270, Eta: 3}   # Hyperband only
/// ```
struct TuningJob {
  var training: TrainingJob
  var tuning: TuningConfiguration
  /// Whether the best trial's hyperparameters are trained again on train + validation for the final model.
  var refit: Bool

  static let fields = TrainStep.fields.filter { $0 != "Hyperparameters" && $0 != "TrainOn" }
    + ["StaticHyperparameters", "HyperparameterRanges", "Strategy", "Objective", "MaxJobs", "MaxParallelJobs", "Seed",
       "Resource", "Refit"]

  init(_ parameters: StepParameters) throws {
    // The fixed hyperparameters are the training job's; each trial's values are merged over them.
    var trainingFields = parameters.fields.filter { TrainStep.fields.contains($0.key) }
    trainingFields["Hyperparameters"] = parameters.fields["StaticHyperparameters"]
    training = try TrainingJob(StepParameters(.object(trainingFields), step: "Tune", known: TrainStep.fields), step: "Tune")

    guard let ranges = try parameters.object("HyperparameterRanges"), !ranges.isEmpty else {
      throw parameters.invalid("'HyperparameterRanges' is required: an object of {Type, MinValue, MaxValue, ScalingType} or {Type: Categorical, Values}")
    }
    var space: [String: ParameterRange] = [:]
    for (name, value) in ranges { space[name] = try Self.range(name, value, parameters) }

    let strategyName = try parameters.optionalString("Strategy") ?? "Bayesian"
    let strategy: TuningConfiguration.Strategy
    switch strategyName.lowercased() {
    case "bayesian": strategy = .bayesian
    case "random": strategy = .random
    case "hyperband": strategy = .hyperband
    default: throw parameters.invalid("Strategy must be Bayesian, Random or Hyperband, got '\(strategyName)'")
    }

    let objective = try parameters.object("Objective") ?? [:]
    let objectiveReader = try StepParameters(.object(objective), step: "Tune", known: ["Metric", "Type"])
    var metricName = try objectiveReader.optionalString("Metric") ?? "accuracy"
    for prefix in ["validation:", "validation_"] where metricName.hasPrefix(prefix) { metricName = String(metricName.dropFirst(prefix.count)) }
    guard let metric = Metric(rawValue: metricName) else {
      throw parameters.invalid("Objective.Metric '\(metricName)' is not a metric (known: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    var direction: TuningConfiguration.Direction?
    if let type = try objectiveReader.optionalString("Type") {
      switch type.lowercased() {
      case "maximize": direction = .maximize
      case "minimize": direction = .minimize
      default: throw parameters.invalid("Objective.Type must be Maximize or Minimize, got '\(type)'")
      }
    }

    var resource: TuningConfiguration.Resource?
    if let object = try parameters.object("Resource") {
      let reader = try StepParameters(.object(object), step: "Tune", known: ["Parameter", "MinValue", "MaxValue", "Eta"])
      resource = .init(parameter: try reader.string("Parameter"), min: try reader.int("MinValue", default: 1, min: 1),
                       max: try reader.int("MaxValue", default: 27, min: 2), eta: try reader.int("Eta", default: 3, min: 2))
    }
    tuning = TuningConfiguration(
      space: SearchSpace(space), strategy: strategy, objective: metric, direction: direction,
      maxTrials: try parameters.int("MaxJobs", default: 8, min: 1),
      maxParallelTrials: try parameters.int("MaxParallelJobs", default: 1, min: 1),
      seed: UInt64(try parameters.int("Seed", default: 0, min: 0)), resource: resource)
    refit = try parameters.bool("Refit", default: true)
    do { _ = try HyperparameterTuner(tuning) } catch let error as TrainingError {
      throw StepFailure("Tune.InvalidParameters", cause: error.message)
    }
  }

  static func range(_ name: String, _ value: JSONValue, _ parameters: StepParameters) throws -> ParameterRange {
    let reader = try StepParameters(value, step: "Tune", known: ["Type", "MinValue", "MaxValue", "ScalingType", "Values"])
    let type = try reader.optionalString("Type") ?? (reader["Values"] != nil ? "Categorical" : "Continuous")
    var scaling = ParameterScaling.linear
    if let name = try reader.optionalString("ScalingType") {
      switch name.lowercased() {
      case "auto", "linear": scaling = .linear
      case "logarithmic": scaling = .logarithmic
      case "reverselogarithmic": scaling = .reverseLogarithmic
      default: throw reader.invalid("HyperparameterRanges.\(name).ScalingType must be Auto, Linear, Logarithmic or ReverseLogarithmic")
      }
    }
    switch type.lowercased() {
    case "continuous":
      guard let low = reader["MinValue"]?.doubleValue, let high = reader["MaxValue"]?.doubleValue else {
        throw reader.invalid("HyperparameterRanges.\(name) needs numeric MinValue and MaxValue")
      }
      return .continuous(min: low, max: high, scaling: scaling)
    case "integer":
      guard let low = reader["MinValue"]?.intValue, let high = reader["MaxValue"]?.intValue else {
        throw reader.invalid("HyperparameterRanges.\(name) needs integer MinValue and MaxValue")
      }
      return .integer(min: low, max: high, scaling: scaling)
    case "categorical":
      guard let values = reader["Values"]?.arrayValue, !values.isEmpty else {
        throw reader.invalid("HyperparameterRanges.\(name) needs a non-empty list of Values")
      }
      return .categorical(try values.map { value in
        guard let parameter = ParameterValue(json: value) else { throw reader.invalid("HyperparameterRanges.\(name).Values must be scalars (or lists of integers, such as [64, 32])") }
        return parameter
      })
    default:
      throw reader.invalid("HyperparameterRanges.\(name).Type must be Continuous, Integer or Categorical, got '\(type)'")
    }
  }
}

/// One finished trial as `flow:tune` checkpoints it and lists it in its output.
struct TrialRecord: Sendable, Equatable {
  var trial: Trial
  var objective: Double?
  var metrics: [String: Double]
  var seconds: Double
  var error: String?

  var result: TrialResult { TrialResult(trial: trial, objective: objective) }

  var json: JSONValue {
    var object: JSONObject = [
      "trial": .int(trial.id), "hyperparameters": hyperparametersJSON(trial.parameters),
      "objective": objective.map(JSONValue.double) ?? .null, "status": .string(error == nil ? "Completed" : "Failed"),
      "seconds": .double((seconds * 1000).rounded() / 1000),
    ]
    if !metrics.isEmpty { object["metrics"] = metricsJSON(metrics) }
    if let error { object["error"] = .string(error) }
    if let bracket = trial.bracket, let rung = trial.rung, let slot = trial.slot {
      object["placement"] = ["bracket": .int(bracket), "rung": .int(rung), "slot": .int(slot)]
    }
    return .object(object)
  }

  init(trial: Trial, objective: Double?, metrics: [String: Double], seconds: Double, error: String?) {
    self.trial = trial
    self.objective = objective
    self.metrics = metrics
    self.seconds = seconds
    self.error = error
  }

  /// Reads a checkpoint written by ``json``; `nil` for anything else.
  init?(json: JSONValue) {
    guard let id = json["trial"]?.intValue, case .object(let values)? = json["hyperparameters"] else { return nil }
    var parameters: [String: ParameterValue] = [:]
    for (name, value) in values {
      guard let parameter = ParameterValue(json: value) else { return nil }
      parameters[name] = parameter
    }
    let placement = json["placement"]
    trial = Trial(id: id, parameters: parameters, bracket: placement?["bracket"]?.intValue, rung: placement?["rung"]?.intValue,
                  slot: placement?["slot"]?.intValue)
    objective = json["objective"]?.doubleValue
    metrics = [:]
    for (name, value) in json["metrics"]?.objectValue ?? [:] { if let number = value.doubleValue { metrics[name] = number } }
    seconds = json["seconds"]?.doubleValue ?? 0
    error = json["error"]?.stringValue
  }
}
