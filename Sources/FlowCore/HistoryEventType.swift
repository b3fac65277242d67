/// The type of a history event: exactly Step Functions' `HistoryEventType` values.
public enum HistoryEventType: String, Sendable, CaseIterable, Codable {
  case activityFailed = "ActivityFailed", activityScheduled = "ActivityScheduled"
  case activityScheduleFailed = "ActivityScheduleFailed", activityStarted = "ActivityStarted"
  case activitySucceeded = "ActivitySucceeded", activityTimedOut = "ActivityTimedOut"
  case choiceStateEntered = "ChoiceStateEntered", choiceStateExited = "ChoiceStateExited"
  case executionAborted = "ExecutionAborted", executionFailed = "ExecutionFailed"
  case executionStarted = "ExecutionStarted", executionSucceeded = "ExecutionSucceeded"
  case executionTimedOut = "ExecutionTimedOut", failStateEntered = "FailStateEntered"
  case lambdaFunctionFailed = "LambdaFunctionFailed", lambdaFunctionScheduled = "LambdaFunctionScheduled"
  case lambdaFunctionScheduleFailed = "LambdaFunctionScheduleFailed", lambdaFunctionStarted = "LambdaFunctionStarted"
  case lambdaFunctionStartFailed = "LambdaFunctionStartFailed", lambdaFunctionSucceeded = "LambdaFunctionSucceeded"
  case lambdaFunctionTimedOut = "LambdaFunctionTimedOut"
  case mapIterationAborted = "MapIterationAborted", mapIterationFailed = "MapIterationFailed"
  case mapIterationStarted = "MapIterationStarted", mapIterationSucceeded = "MapIterationSucceeded"
  case mapStateAborted = "MapStateAborted", mapStateEntered = "MapStateEntered", mapStateExited = "MapStateExited"
  case mapStateFailed = "MapStateFailed", mapStateStarted = "MapStateStarted", mapStateSucceeded = "MapStateSucceeded"
  case parallelStateAborted = "ParallelStateAborted", parallelStateEntered = "ParallelStateEntered"
  case parallelStateExited = "ParallelStateExited", parallelStateFailed = "ParallelStateFailed"
  case parallelStateStarted = "ParallelStateStarted", parallelStateSucceeded = "ParallelStateSucceeded"
  case passStateEntered = "PassStateEntered", passStateExited = "PassStateExited"
  case succeedStateEntered = "SucceedStateEntered", succeedStateExited = "SucceedStateExited"
  case taskFailed = "TaskFailed", taskScheduled = "TaskScheduled", taskStarted = "TaskStarted"
  case taskStartFailed = "TaskStartFailed", taskStateAborted = "TaskStateAborted", taskStateEntered = "TaskStateEntered"
  case taskStateExited = "TaskStateExited", taskSubmitFailed = "TaskSubmitFailed", taskSubmitted = "TaskSubmitted"
  case taskSucceeded = "TaskSucceeded", taskTimedOut = "TaskTimedOut"
  case waitStateAborted = "WaitStateAborted", waitStateEntered = "WaitStateEntered", waitStateExited = "WaitStateExited"
  case mapRunAborted = "MapRunAborted", mapRunFailed = "MapRunFailed", mapRunStarted = "MapRunStarted"
  case mapRunSucceeded = "MapRunSucceeded", executionRedriven = "ExecutionRedriven", mapRunRedriven = "MapRunRedriven"
  case evaluationFailed = "EvaluationFailed"

  /// The `…StateEntered` type of a state type (`Task`, `Pass`, …), as the States Language names them.
  public static func entered(_ stateType: String) -> HistoryEventType? { HistoryEventType(rawValue: stateType + "StateEntered") }
  /// The `…StateExited` type of a state type.
  public static func exited(_ stateType: String) -> HistoryEventType? { HistoryEventType(rawValue: stateType + "StateExited") }

  /// True for `…StateEntered`.
  public var isStateEntered: Bool { rawValue.hasSuffix("StateEntered") }
  /// True for `…StateExited`.
  public var isStateExited: Bool { rawValue.hasSuffix("StateExited") }
  /// The state type of a `…StateEntered`/`…StateExited` event (`Task`), else nil.
  public var stateType: String? {
    for suffix in ["StateEntered", "StateExited"] where rawValue.hasSuffix(suffix) {
      return String(rawValue.dropLast(suffix.count))
    }
    return nil
  }

  /// The member of Step Functions' `HistoryEvent` that holds this type's details (`stateEnteredEventDetails`), or
  /// nil for types that carry none (`ParallelStateStarted`, `MapStateSucceeded`, …).
  public var detailsMember: String? {
    if isStateEntered { return "stateEnteredEventDetails" }
    if isStateExited { return "stateExitedEventDetails" }
    switch self {
    case .mapStateAborted, .mapStateFailed, .mapStateSucceeded, .parallelStateAborted, .parallelStateFailed,
      .parallelStateStarted, .parallelStateSucceeded, .taskStateAborted, .waitStateAborted, .mapRunAborted,
      .mapRunSucceeded:
      return nil
    default:
      return rawValue.prefix(1).lowercased() + rawValue.dropFirst() + "EventDetails"
    }
  }
}
