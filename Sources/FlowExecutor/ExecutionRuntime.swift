import FlowCore
import FlowDefinition
import FlowExpressions
import Foundation

/// What every scope of one running execution shares.
final class ExecutionRuntime: Sendable {
  let record: ExecutionRecord
  let pipeline: Pipeline
  let journal: Journal
  let store: any ExecutionStore
  let steps: StepRegistry
  let options: ExecutorOptions
  /// The scopes the store held when this run (re)started, by id.
  let storedScopes: [String: ScopeRecord]
  /// `$$.Execution` and `$$.StateMachine`, built once.
  let executionContext: JSONValue
  let stateMachineContext: JSONValue

  init(record: ExecutionRecord, pipeline: Pipeline, journal: Journal, store: any ExecutionStore, steps: StepRegistry,
       options: ExecutorOptions, storedScopes: [String: ScopeRecord]) {
    self.record = record
    self.pipeline = pipeline
    self.journal = journal
    self.store = store
    self.steps = steps
    self.options = options
    self.storedScopes = storedScopes
    executionContext = [
      "Id": .string(record.id), "Input": record.input, "Name": .string(record.name),
      "RoleArn": "", "StartTime": .string(Timestamps.format(record.startTime)),
      "RedriveCount": .int(record.redriveCount),
    ]
    stateMachineContext = ["Id": .string(pipeline.path), "Name": .string(pipeline.name)]
  }

  /// The context object `$$` for a state.
  func context(state: String, position: Position, token: String? = nil, mapItem: (Int, JSONValue)? = nil) -> JSONValue {
    var o: JSONObject = [
      "Execution": executionContext,
      "State": [
        "EnteredTime": .string(Timestamps.format(position.enteredTime)), "Name": .string(state),
        "RetryCount": .int(position.retryCount),
      ],
      "StateMachine": stateMachineContext,
    ]
    if let token { o["Task"] = ["Token": .string(token)] }
    if let (index, value) = mapItem { o["Map"] = ["Item": ["Index": .int(index), "Value": value]] }
    return .object(o)
  }

  /// Fails with `States.DataLimitExceeded` when `value` is larger than the payload limit.
  func checkSize(_ value: JSONValue, state: String, what: String) throws {
    let size = value.serialized().utf8.count
    if size > options.payloadLimitBytes {
      throw StepFailure(
        "States.DataLimitExceeded",
        cause: "The state/task '\(state)' \(what) a payload of \(size) bytes, exceeding the maximum of \(options.payloadLimitBytes) bytes.")
    }
  }
}
