import FlowCore

/// The joining of a Parallel's branches or a Map's iterations, as a pure value: which children to launch, and
/// when the state as a whole succeeds (every child done) or fails (a branch failed, or more iterations failed
/// than `ToleratedFailureCount`/`Percentage` allow).
struct FanOut: Sendable {
  /// What the driver does next.
  enum Decision: Equatable, Sendable {
    /// Launch these children (possibly none) and wait for the next to end.
    case launch([Int])
    case succeeded([JSONValue])
    /// The state fails: the driver cancels the children still running.
    case failed(StepFailure)
  }

  let count: Int
  let width: Int
  let tolerance: Int?
  private(set) var launched = 0
  private(set) var finished = 0
  private(set) var failures = 0
  private var results: [JSONValue]

  /// At most this many children run at once when `MaxConcurrency` sets no limit.
  static let unboundedConcurrency = 1000

  init(count: Int, maxConcurrency: Int, toleratedFailures: Int?) {
    self.count = count
    width = maxConcurrency > 0 ? maxConcurrency : Self.unboundedConcurrency
    tolerance = toleratedFailures
    results = Array(repeating: .null, count: count)
  }

  /// The first children to launch; `.succeeded([])` at once when there are none.
  mutating func start() -> Decision {
    if count == 0 { return .succeeded([]) }
    return .launch(next(min(width, count)))
  }

  /// Child `index` ended with `result`.
  mutating func childEnded(_ index: Int, _ result: Result<JSONValue, StepFailure>) -> Decision {
    finished += 1
    switch result {
    case .success(let output):
      results[index] = output
    case .failure(let failure):
      failures += 1
      guard let tolerance else { return .failed(failure) }
      if failures > tolerance {
        return .failed(StepFailure("States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded"))
      }
      results[index] = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
    }
    if finished == count { return .succeeded(results) }
    return .launch(next(1))
  }

  private mutating func next(_ wanted: Int) -> [Int] {
    let end = min(count, launched + wanted)
    defer { launched = end }
    return Array(launched..<end)
  }
}
