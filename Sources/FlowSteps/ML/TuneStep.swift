import FlowCore
import FlowTraining
import Foundation

/// `flow:tune`: a hyperparameter tuning job. Each trial trains on the train split with its hyperparameters and is
/// scored on the validation split; the best trial's hyperparameters are then trained again (on train + validation
/// when `Refit`, the default) into the final model. SVM trials scored on a label metric (accuracy, F1) skip probability
/// calibration (five extra fits per machine) and are scored on votes, as scikit-learn's `SVC.predict`; the final model
/// is calibrated.
///
/// Parameters: those of `flow:train` (`Dataset`, `Algorithm`, `Features`, `Target`, `Preprocessing`, `Task`), with
/// `StaticHyperparameters` (fixed values) instead of `Hyperparameters`, plus `HyperparameterRanges`, `Strategy`,
/// `Objective`, `MaxJobs`, `MaxParallelJobs`, `Seed`, `Resource` (Hyperband) and `Refit` — see ``TuningJob``.
///
/// **Durable trials.** Every finished trial is saved with `context.checkpoints` before it is reported; when the task
/// runs again (after a crash, or a retry), the saved trials are loaded and not run again. Trials are suggested in
/// rounds of `MaxParallelJobs`, each round from the trials of the rounds before it, so a resumed job suggests exactly
/// the trials an uninterrupted one would and ends with the same model.
///
/// Output: `{"best": <model reference as flow:train's, plus "trial" and "objective">, "bestHyperparameters",
/// "objective": {"metric", "type", "value"}, "trials": [{"trial", "hyperparameters", "objective", "status",
/// "seconds", "metrics"}], "trialCount", "restoredTrials"}`. Errors: `Tune.InvalidParameters`,
/// `Tune.InvalidHyperparameter`, `Tune.NoSuccessfulTrial`.
public struct TuneStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Tune", known: TuningJob.fields)
    let job = try TuningJob(parameters)
    let tuner = try mapTrainingErrors("Tune") { try HyperparameterTuner(job.tuning) }
    guard let trainPath = job.training.dataset.train else {
      throw StepFailure("Tune.InvalidParameters", cause: "the data set has no train split")
    }
    let train = try environment.readCSV(trainPath, hash: job.training.dataset.hashes["train"], step: "Tune")
    let validation = try job.training.dataset.validation.map { try environment.readCSV($0, hash: job.training.dataset.hashes["validation"], step: "Tune") }
    let label = context.stateName
    let total = job.tuning.maxTrials

    var saved: [Int: TrialRecord] = [:]
    for value in try context.checkpoints.load() {
      if let record = TrialRecord(json: value) { saved[record.trial.id] = record }
    }
    if !saved.isEmpty {
      context.logger.info("\(label): \(saved.count) finished trial(s) restored from checkpoints: \(saved.keys.sorted().map { String($0 + 1) }.joined(separator: ", "))")
    }
    context.logger.info("\(label): tuning \(job.training.configuration.algorithm.rawValue), \(job.tuning.strategy.rawValue) search of \(total) trial(s), \(job.tuning.maxParallelTrials) at a time, objective \(job.tuning.direction.rawValue) \(job.tuning.objective.rawValue)")

    var records: [TrialRecord] = []
    var restored = 0
    while true {
      try Task.checkCancellation()
      var round: [Trial] = []
      suggesting: while round.count < job.tuning.maxParallelTrials {
        switch tuner.suggest(finished: records.map(\.result), running: round) {
        case .run(let trial): round.append(trial)
        case .wait, .done: break suggesting
        }
      }
      if round.isEmpty { break }
      var results: [TrialRecord] = []
      var pending: [Trial] = []
      for trial in round {
        if let record = saved[trial.id], record.trial == trial {
          results.append(record)
          restored += 1
        } else {
          pending.append(trial)
        }
      }
      let base = job.training.configuration
      let objective = job.tuning.objective
      let finished = try await withThrowingTaskGroup(of: TrialRecord.self) { group in
        for trial in pending {
          group.addTask {
            let record = try await blockingWork { Self.runTrial(trial, base: base, objective: objective, train: train, validation: validation) }
            // Saved before it is reported: a trial that was logged as finished is never run again.
            try context.checkpoints.save(record.json)
            context.logger.info("\(label): trial \(trial.id + 1)/\(total) finished: \(Self.describe(record))")
            return record
          }
        }
        var done: [TrialRecord] = []
        for try await record in group { done.append(record) }
        return done
      }
      await context.heartbeat()
      records += (results + finished).sorted { $0.trial.id < $1.trial.id }
    }

    guard let best = tuner.best(records.map(\.result)), let bestRecord = records.first(where: { $0.trial.id == best.trial.id }) else {
      let errors = Set(records.compactMap(\.error)).sorted().prefix(3).joined(separator: "; ")
      throw StepFailure("Tune.NoSuccessfulTrial", cause: "none of the \(records.count) trial(s) trained: \(errors)")
    }
    context.logger.info("\(label): best trial \(best.trial.id + 1): \(Self.describe(bestRecord)); training the final model\(job.refit && validation != nil ? " on train + validation" : "")")

    var configuration = job.training.configuration
    configuration.hyperparameters.merge(best.trial.parameters) { _, trial in trial }
    var finalTrain = train
    var inputs = [job.training.dataset.hashes["train"] ?? trainPath]
    if job.refit, let validation {
      finalTrain = try TrainingJob.concatenate([train, validation], step: "Tune")
      inputs.append(job.training.dataset.hashes["validation"] ?? job.training.dataset.validation ?? "")
    }
    let progress = TrainingProgressLog(logger: context.logger, label: "\(label) final \(configuration.algorithm.rawValue)")
    let heldOut = job.refit ? nil : validation
    let finalConfiguration = configuration
    let training = finalTrain
    var metrics: [String: Double] = [:]
    for (name, value) in bestRecord.metrics { metrics["tuning_validation_" + name] = value }
    let recorded = metrics
    let artifact = try await blockingWork {
      try mapTrainingErrors("Tune") {
        var artifact = try Trainer.train(finalConfiguration, on: training, validation: heldOut, progress: progress.handler,
                                         scoreTrainingRows: false, fingerprint: sha256Fingerprint)
        artifact.metrics.merge(recorded) { _, tuning in tuning }
        return artifact
      }
    }
    let stored = try environment.artifacts.store(try mapTrainingErrors("Tune") { try artifact.encoded() }, ext: "json", kind: "model",
                                                 inputs: inputs, context: context)
    var bestJSON = modelJSON(artifact, stored: stored, datasetHash: job.training.dataset.datasetHash).objectValue!
    bestJSON["trial"] = .int(best.trial.id)
    bestJSON["objective"] = best.objective.map(JSONValue.double) ?? .null
    return [
      "best": .object(bestJSON),
      "bestHyperparameters": hyperparametersJSON(best.trial.parameters),
      "objective": ["metric": .string(job.tuning.objective.rawValue),
                    "type": .string(job.tuning.direction == .maximize ? "Maximize" : "Minimize"),
                    "value": best.objective.map(JSONValue.double) ?? .null],
      "trials": .array(records.map(\.json)),
      "trialCount": .int(records.count),
      "restoredTrials": .int(restored),
    ]
  }

  /// Trains one trial on `train` and scores it on `validation` (or, without one, on a seeded 20 % holdout of `train`).
  static func runTrial(_ trial: Trial, base: TrainingConfiguration, objective: Metric, train: Dataset,
                       validation: Dataset?) -> TrialRecord {
    let started = Date()
    var base = base
    // An SVM's calibration costs five extra fits per machine and serves probabilities: a trial scored on labels
    // skips it (votes decide), and the final model, trained from the best trial's values, is calibrated.
    if base.algorithm == .svm, base.hyperparameters["probability"] == nil, ![.logLoss, .rocAUC].contains(objective) {
      base.hyperparameters["probability"] = .bool(false)
    }
    var configuration = base
    configuration.hyperparameters.merge(trial.parameters) { _, trial in trial }
    do {
      var metrics: [String: Double]
      if let validation {
        metrics = try Trainer.train(configuration, on: train, scoreTrainingRows: false).evaluate(on: validation)
      } else {
        let evaluator = TrialEvaluator(base: base, scoring: .holdout(fraction: 0.2), objective: objective)
        metrics = [objective.rawValue: try evaluator.evaluate(trial, on: train)]
      }
      guard let value = metrics[objective.rawValue] else {
        return TrialRecord(trial: trial, objective: nil, metrics: metrics, seconds: Date().timeIntervalSince(started),
                           error: "the objective '\(objective.rawValue)' doesn't apply to this task")
      }
      return TrialRecord(trial: trial, objective: value, metrics: metrics, seconds: Date().timeIntervalSince(started), error: nil)
    } catch {
      return TrialRecord(trial: trial, objective: nil, metrics: [:], seconds: Date().timeIntervalSince(started), error: "\(error)")
    }
  }

  static func describe(_ record: TrialRecord) -> String {
    let parameters = record.trial.parameters.keys.sorted().map { name -> String in
      let value = record.trial.parameters[name]!
      if case .double(let x) = value { return "\(name)=\(String(format: "%.4g", x))" }
      return "\(name)=\(value)"
    }.joined(separator: " ")
    let outcome = record.objective.map { String(format: "%.4f", $0) } ?? "failed (\(record.error ?? ""))"
    return "\(parameters) → \(outcome) in \(String(format: "%.2f", record.seconds)) s"
  }
}
