/// How to search: the strategy, what to optimise, and the limits (SageMaker's HyperparameterTuner shape).
public struct TuningConfiguration: Sendable, Codable, Hashable {
  /// The search strategy.
  public enum Strategy: String, Sendable, Codable, Hashable {
    /// Independent uniform samples.
    case random
    /// Tree-structured Parzen estimators after a few random trials.
    case bayesian
    /// Hyperband: brackets of successive halving over a resource such as `max_iter`.
    case hyperband
  }

  /// Whether the objective is to be made large or small.
  public enum Direction: String, Sendable, Codable, Hashable {
    /// Larger is better (accuracy, R²).
    case maximize
    /// Smaller is better (log loss, RMSE).
    case minimize
  }

  /// The resource Hyperband gives more of to promising trials.
  public struct Resource: Sendable, Codable, Hashable {
    /// The hyperparameter that carries it, such as `max_iter` or `n_estimators`.
    public var parameter: String
    /// The smallest budget (the first rung of the most aggressive bracket).
    public var min: Int
    /// The largest budget.
    public var max: Int
    /// The halving factor: each rung keeps 1/eta of the trials and gives them eta times the budget.
    public var eta: Int
    /// Creates a resource description.
    public init(parameter: String, min: Int, max: Int, eta: Int = 3) {
      self.parameter = parameter
      self.min = min
      self.max = max
      self.eta = eta
    }
  }

  /// The ranges searched.
  public var space: SearchSpace
  /// The search strategy.
  public var strategy: Strategy
  /// The metric reported by each trial.
  public var objective: Metric
  /// Its direction; by default the metric's natural one.
  public var direction: Direction
  /// The most trials to run in all.
  public var maxTrials: Int
  /// The most trials to run at once.
  public var maxParallelTrials: Int
  /// The seed every suggestion derives from.
  public var seed: UInt64
  /// Hyperband's resource (required for `hyperband`).
  public var resource: Resource?

  /// Creates a configuration.
  public init(space: SearchSpace, strategy: Strategy = .bayesian, objective: Metric, direction: Direction? = nil,
              maxTrials: Int, maxParallelTrials: Int = 1, seed: UInt64 = 0, resource: Resource? = nil) {
    self.space = space
    self.strategy = strategy
    self.objective = objective
    self.direction = direction ?? (objective.higherIsBetter ? .maximize : .minimize)
    self.maxTrials = maxTrials
    self.maxParallelTrials = maxParallelTrials
    self.seed = seed
    self.resource = resource
  }

  func validate() throws {
    guard maxTrials >= 1, maxParallelTrials >= 1 else {
      throw TrainingError(.invalidArgument, "tuning needs max_trials ≥ 1 and max_parallel_trials ≥ 1")
    }
    guard !space.parameters.isEmpty else { throw TrainingError(.invalidArgument, "the search space is empty") }
    for name in space.names { try space.parameters[name]!.validate(name) }
    if strategy == .hyperband {
      guard let resource else { throw TrainingError(.invalidArgument, "hyperband needs a resource (for example max_iter)") }
      guard resource.min >= 1, resource.max > resource.min, resource.eta >= 2 else {
        throw TrainingError(.invalidArgument, "hyperband needs 1 ≤ min < max and eta ≥ 2 for its resource")
      }
      if space.parameters[resource.parameter] != nil {
        throw TrainingError(.invalidArgument, "'\(resource.parameter)' is hyperband's resource; don't also search it")
      }
    }
  }
}
