import FlowExpressions

/// One `Retry` rule.
public struct Retrier: Hashable, Sendable {
  public enum Jitter: String, Hashable, Sendable { case full = "FULL", none = "NONE" }
  public var errorEquals: [String]
  /// `IntervalSeconds` (default 1).
  public var intervalSeconds: Double
  /// `MaxAttempts` (default 3; 0 never retries).
  public var maxAttempts: Int
  /// `BackoffRate` (default 2.0).
  public var backoffRate: Double
  /// `MaxDelaySeconds`.
  public var maxDelaySeconds: Double?
  /// `JitterStrategy` (default NONE).
  public var jitter: Jitter

  public init(errorEquals: [String], intervalSeconds: Double = 1, maxAttempts: Int = 3, backoffRate: Double = 2,
              maxDelaySeconds: Double? = nil, jitter: Jitter = .none) {
    self.errorEquals = errorEquals
    self.intervalSeconds = intervalSeconds
    self.maxAttempts = maxAttempts
    self.backoffRate = backoffRate
    self.maxDelaySeconds = maxDelaySeconds
    self.jitter = jitter
  }
}

/// One `Catch` rule.
public struct Catcher: Hashable, Sendable {
  public var errorEquals: [String]
  public var next: String
  /// `ResultPath` (default `$`), or `.null` to keep the input and drop the error.
  public var resultPath: OptionalResultPath
  /// `Assign` evaluated with the error output as the result.
  public var assign: PayloadTemplate?
  /// `Output` and `Assign` of a catcher of a JSONata state.
  public var jsonata: JSONataFields?

  public init(errorEquals: [String], next: String, resultPath: OptionalResultPath = .path(nil), assign: PayloadTemplate? = nil) {
    self.errorEquals = errorEquals
    self.next = next
    self.resultPath = resultPath
    self.assign = assign
  }
}

extension [String] {
  /// True when an error named `error` matches this `ErrorEquals` list. `States.ALL` matches every error
  /// but `States.Runtime` and `States.DataLimitExceeded`; `States.TaskFailed` matches every error but `States.Timeout`.
  public func matches(error: String) -> Bool {
    if contains(error) { return true }
    let uncatchable = error == "States.Runtime" || error == "States.DataLimitExceeded"
    if contains("States.ALL") { return !uncatchable }
    if contains("States.TaskFailed") { return !uncatchable && error != "States.Timeout" }
    return false
  }
}
