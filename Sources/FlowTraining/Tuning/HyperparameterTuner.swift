/// Suggests trials for a tuning job, one at a time, as a pure function of the job's configuration
/// (including its seed) and the trials already finished or running.
///
/// Nothing is remembered between calls, so an executor can checkpoint each finished trial and a
/// resumed job derives the same next suggestion from the same checkpoint, never repeating a finished
/// trial. A trial whose result was lost in a crash is simply suggested again.
///
/// ```swift
/// let tuner = try HyperparameterTuner(configuration)
/// var finished: [TrialResult] = []
/// while case .run(let trial) = tuner.suggest(finished: finished, running: []) {
///   finished.append(TrialResult(trial: trial, objective: try evaluate(trial)))
/// }
/// let best = tuner.best(finished)
/// ```
public struct HyperparameterTuner: Sendable {
  /// The job's configuration.
  public let configuration: TuningConfiguration

  /// Creates a tuner.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for an invalid search space or limits.
  public init(_ configuration: TuningConfiguration) throws {
    try configuration.validate()
    self.configuration = configuration
  }

  /// The next thing to do, given the finished and the running trials.
  public func suggest(finished: [TrialResult], running: [Trial]) -> Suggestion {
    let finished = finished.sorted { $0.trial.id < $1.trial.id }
    if running.count >= configuration.maxParallelTrials { return .wait }
    if configuration.strategy == .hyperband { return hyperbandSuggestion(finished: finished, running: running) }
    let issued = finished.count + running.count
    guard issued < configuration.maxTrials else { return running.isEmpty ? .done : .wait }
    let id = Self.smallestUnusedID(finished.map(\.trial.id) + running.map(\.id))
    var generator = SeededGenerator(seed: configuration.seed, stream: UInt64(id))
    let parameters = configuration.strategy == .bayesian
      ? tpeSample(finished: finished, generator: &generator)
      : configuration.space.sample(&generator)
    return .run(Trial(id: id, parameters: parameters))
  }

  /// The best finished trial (ties: the earlier one), or `nil` if none succeeded.
  public func best(_ finished: [TrialResult]) -> TrialResult? {
    finished.filter { $0.objective != nil }.sorted { $0.trial.id < $1.trial.id }.min { isBetter($0, than: $1) }
  }

  /// Whether `a`'s objective beats `b`'s (a failed trial loses to any other).
  func isBetter(_ a: TrialResult, than b: TrialResult) -> Bool {
    guard let x = a.objective else { return false }
    guard let y = b.objective else { return true }
    return configuration.direction == .maximize ? x > y : x < y
  }

  /// Runs a whole job with `evaluate` (sequentially), returning every result.
  /// - Throws: Whatever `evaluate` throws.
  public func run(_ evaluate: (Trial) throws -> Double?) rethrows -> [TrialResult] {
    var finished: [TrialResult] = []
    while case .run(let trial) = suggest(finished: finished, running: []) {
      finished.append(TrialResult(trial: trial, objective: try evaluate(trial)))
    }
    return finished
  }

  static func smallestUnusedID(_ ids: [Int]) -> Int {
    let used = Set(ids)
    var id = 0
    while used.contains(id) { id += 1 }
    return id
  }
}
