import FlowCore
import FlowDefinition
import Foundation

/// Runs one execution's top-level scope, holding its lease, watching for `flow stop` and the execution timeout,
/// and committing how it ended.
struct ExecutionDriver {
  let executor: Executor
  let record: ExecutionRecord
  let pipeline: Pipeline

  private enum Ending: Error {
    case stopped
    case timedOut
    case leaseLost
  }

  func drive() async throws -> ExecutionRecord {
    let store = executor.store
    let scopes = try store.scopes(of: record.id)
    let journal = Journal(executionId: record.id, store: store, lastEventId: try store.lastEventId(of: record.id),
                          autoFlushEvents: executor.options.autoFlushEvents, observer: executor.options.observer)
    let runtime = ExecutionRuntime(record: record, pipeline: pipeline, journal: journal, store: store, steps: executor.steps,
                                   options: executor.options, storedScopes: Dictionary(scopes.map { ($0.id, $0) }) { $1 })
    guard let root = runtime.storedScopes["root"] else { throw ExecutorError("execution \(record.id) has no stored progress") }
    let runner = ScopeRunner(runtime: runtime, machine: pipeline.machine, id: "root", position: try Position(json: root.position))
    // Resumed: say so in the history, so that an interrupted task's next attempt is explained.
    if try store.lastEventId(of: record.id) > 1, root.status == .running {
      runner.position.previousEvent = journal.event("ExecutionResumed", after: runner.position.previousEvent, ["owner": .string(executor.owner)])
    }

    let outcome: Result<JSONValue, any Error> = await withTaskGroup(of: Result<JSONValue, any Error>?.self) { group in
      group.addTask {
        do { return .success(try await runner.run()) } catch { return .failure(error) }
      }
      group.addTask { await watch() }
      if let timeout = pipeline.machine.timeoutSeconds {
        group.addTask {
          let remaining = record.startTime + Double(timeout) - Date().timeIntervalSince1970
          if remaining > 0 { try? await Task.sleep(for: .seconds(remaining)) }
          return Task.isCancelled ? nil : .failure(Ending.timedOut)
        }
      }
      var first: Result<JSONValue, any Error>?
      while first == nil, let next = await group.next() { first = next }
      group.cancelAll()
      return first ?? .failure(CancellationError())
    }

    let now = Date().timeIntervalSince1970
    if case .failure(let ending as Ending) = outcome, ending != .leaseLost {
      runner.stageScope()  // a stopped or timed-out run keeps the events that led to where it stopped
    }
    let last = runner.position.previousEvent
    let finish: ExecutionFinish
    switch outcome {
    case .success(let output):
      journal.event("ExecutionSucceeded", after: last, ["output": output])
      finish = ExecutionFinish(status: .succeeded, output: output, stopTime: now)
    case .failure(let failure as StepFailure):
      // A Fail state without Error or Cause leaves them empty in its StepFailure; AWS records them absent (null).
      let error = failure.error.isEmpty ? nil : failure.error, cause = failure.cause.isEmpty ? nil : failure.cause
      journal.event("ExecutionFailed", after: last, ["error": error.map(JSONValue.string) ?? .null, "cause": cause.map(JSONValue.string) ?? .null])
      finish = ExecutionFinish(status: .failed, error: error, cause: cause, stopTime: now)
    case .failure(Ending.timedOut):
      let cause = "The execution ran longer than its TimeoutSeconds (\(pipeline.machine.timeoutSeconds ?? 0) s)."
      journal.event("ExecutionTimedOut", after: last, ["error": "States.Timeout", "cause": .string(cause)])
      finish = ExecutionFinish(status: .timedOut, error: "States.Timeout", cause: cause, stopTime: now)
    case .failure(Ending.stopped):
      let current = try store.execution(record.id)
      journal.event("ExecutionAborted", after: last, ["error": current?.error.map(JSONValue.string) ?? .null,
                                                       "cause": current?.cause.map(JSONValue.string) ?? .null])
      finish = ExecutionFinish(status: .aborted, error: current?.error, cause: current?.cause ?? "Stopped by flow stop", stopTime: now)
    case .failure(let error):
      // The store failed or the lease was lost: leave the execution resumable, commit nothing more.
      throw ExecutorError("execution \(record.id) stopped without finishing (resume it with `flow resume \(record.id)`): \(error)")
    }
    try journal.flush(finishing: finish)
    return try store.execution(record.id) ?? record
  }

  /// Renews the lease and watches for `flow stop`; returns an ending when one of them says to stop.
  private func watch() async -> Result<JSONValue, any Error>? {
    let options = executor.options
    while !Task.isCancelled {
      try? await Task.sleep(for: .seconds(options.leaseSeconds / 3))
      if Task.isCancelled { return nil }
      do {
        let now = Date().timeIntervalSince1970
        guard try executor.store.renewLease(record.id, owner: executor.owner, until: now + options.leaseSeconds) else {
          return .failure(Ending.leaseLost)
        }
        if try executor.store.execution(record.id)?.stopRequested == true { return .failure(Ending.stopped) }
      } catch {
        options.logger.warning("could not renew the lease of \(record.id): \(error)")
      }
    }
    return nil
  }
}
