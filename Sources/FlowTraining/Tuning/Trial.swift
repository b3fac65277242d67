/// One training run of a tuning job: hyperparameters to try (and, for Hyperband, a budget).
public struct Trial: Sendable, Codable, Hashable {
  /// Position in the job; derived suggestions never reuse an id.
  public var id: Int
  /// Hyperparameter values to train with (the resource included, for Hyperband).
  public var parameters: [String: ParameterValue]
  /// Hyperband placement: bracket, rung and slot within the rung; `nil` for other strategies.
  public var bracket: Int?, rung: Int?, slot: Int?

  /// Creates a trial.
  public init(id: Int, parameters: [String: ParameterValue], bracket: Int? = nil, rung: Int? = nil, slot: Int? = nil) {
    self.id = id
    self.parameters = parameters
    self.bracket = bracket
    self.rung = rung
    self.slot = slot
  }
}

/// A finished trial and its objective value (`nil` when training failed).
public struct TrialResult: Sendable, Codable, Hashable {
  /// The trial.
  public var trial: Trial
  /// The objective metric, or `nil` for a failed trial (ranked last).
  public var objective: Double?
  /// Creates a result.
  public init(trial: Trial, objective: Double?) {
    self.trial = trial
    self.objective = objective
  }
}

/// What a tuning job should do next.
public enum Suggestion: Sendable, Equatable {
  /// Start this trial.
  case run(Trial)
  /// Wait for a running trial to finish (parallel limit reached, or a Hyperband rung is incomplete).
  case wait
  /// The job is complete.
  case done
}
