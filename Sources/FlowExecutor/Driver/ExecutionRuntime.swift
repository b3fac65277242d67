import FlowCore
import FlowDefinition
import Foundation

/// What every scope driver of one running execution shares.
final class ExecutionRuntime: Sendable {
  let record: ExecutionRecord
  let pipeline: Pipeline
  let journal: Journal
  let store: any ExecutionStore
  let steps: StepRegistry
  let options: ExecutorOptions
  /// The executor running the execution: a DISTRIBUTED Map runs its own children on it.
  let executor: Executor
  let context: ExecutionContext
  /// The scopes the store held when this run (re)started, by id.
  let storedScopes: [String: ScopeRecord]
  let historyLimit: Int
  /// The activity tokens whose take this run has told its machine about (``ScopeMachine/Signal/activityStarted(workerName:)``).
  let reportedActivityStarts = Locked<Set<String>>([])

  init(record: ExecutionRecord, pipeline: Pipeline, journal: Journal, store: any ExecutionStore, steps: StepRegistry,
       options: ExecutorOptions, executor: Executor, storedScopes: [String: ScopeRecord]) {
    self.record = record
    self.pipeline = pipeline
    self.journal = journal
    self.store = store
    self.steps = steps
    self.options = options
    self.executor = executor
    self.storedScopes = storedScopes
    var context = ExecutionContext(record: record, pipelineName: pipeline.name, payloadLimitBytes: options.payloadLimitBytes)
    context.durableActivities = options.activityScheduler != nil
    context.mappedResources = pipeline.document["Flow"]?["Resources"]?.objectValue ?? JSONObject()
    self.context = context
    historyLimit = pipeline.maxHistoryEvents ?? options.maxHistoryEvents
  }

  var clock: any ExecutorClock { options.clock }

  /// The inputs of one transition: the clock's time, fresh randomness, and the journal's event numbering.
  func inputs(_ nextEventId: @escaping @Sendable () -> Int) -> ScopeMachine.Inputs {
    ScopeMachine.Inputs(now: clock.now(), random: { Double.random(in: 0..<1) }, newToken: { UUID().uuidString.lowercased() },
                        nextEventId: nextEventId, historyLimit: historyLimit)
  }
}
