import FlowCore
import FlowDefinition
import Foundation

/// Runs one execution's top-level scope under its lease: a ``LeaseKeeper`` renews the lease and watches for
/// `flow stop`, a timer watches the execution's `TimeoutSeconds`, and the ending is committed as
/// ``ExecutionEnding`` says.
struct ExecutionDriver {
  let executor: Executor
  let record: ExecutionRecord
  let pipeline: Pipeline
  let fence: LeaseFence
  /// Set for an execution not yet stored: its first commit creates it, and tells `onCreated` how that went.
  var creating: NewExecution?
  var onCreated: (@Sendable ((any Error)?) -> Void)?

  private enum Interruption: Error {
    /// At the moment the timeout fired (what the ending is stamped with: the scope may go on a moment more).
    case timedOut(at: Double)
    case ended(LeaseKeeper.End)
  }

  func drive() async throws -> ExecutionRecord {
    let store = executor.store
    let options = executor.options
    var (scopes, lastEventId) = ([creating?.root].compactMap { $0 }, creating?.started.id ?? 0)
    if creating == nil {
      (scopes, lastEventId) = try await StoreThreads.run { [record] in
        (try store.scopes(of: record.id), try store.lastEventId(of: record.id))
      }
    }
    // Whichever comes first ends the run: the top-level scope's end, the lease keeper's (lease lost, stop
    // requested), the execution's timeout.
    let (outcomes, firstOutcome) = AsyncStream<Result<Result<JSONValue, StepFailure>, any Error>>.makeStream()
    let keeper = LeaseKeeper(store: store, executionId: record.id, fence: fence, leaseSeconds: options.leaseSeconds) {
      firstOutcome.yield(.failure(Interruption.ended($0)))
    }
    // The lease of an execution not yet stored is renewed from its creation on.
    let journal = Journal(executionId: record.id, store: store, fence: fence, lastEventId: lastEventId,
                          autoFlushEvents: options.autoFlushEvents, observer: options.observer,
                          busyDeadline: { keeper.leaseValidUntil - 1 },
                          creating: creating, onCreated: { [onCreated] error in
                            if error == nil { keeper.start() }
                            onCreated?(error)
                          })
    let runtime = ExecutionRuntime(record: record, pipeline: pipeline, journal: journal, store: store, steps: executor.steps,
                                   options: options, executor: executor, storedScopes: Dictionary(scopes.map { ($0.id, $0) }) { $1 })
    guard let root = runtime.storedScopes["root"] else { throw ExecutorError("execution \(record.id) has no stored progress") }
    let machine = ScopeMachine(machine: pipeline.machine, scopeId: "root", execution: runtime.context,
                               position: try Position(json: root.position))
    if creating == nil { keeper.start() }
    defer { keeper.stop() }

    let outcome = await withTaskGroup(of: Void.self) { group in
      group.addTask {
        do { firstOutcome.yield(.success(try await ScopeDriver(runtime: runtime).run(machine, commitsItsEnd: false))) } catch {
          firstOutcome.yield(.failure(error))
        }
      }
      if let timeout = pipeline.machine.timeoutSeconds {
        group.addTask {
          do { try await options.clock.sleep(until: record.startTime + Double(timeout)) } catch { return }
          firstOutcome.yield(.failure(Interruption.timedOut(at: options.clock.now())))
        }
      }
      // The stream ends early when this task is cancelled (an interruption): the scope, cancelled with it, stops.
      var first: Result<Result<JSONValue, StepFailure>, any Error>?
      for await outcome in outcomes {
        first = outcome
        break
      }
      firstOutcome.finish()
      group.cancelAll()
      return first ?? .failure(CancellationError())
    }

    let ending: ExecutionEnding
    var endedAt: Double?
    switch outcome {
    case .success(.success(let output)): ending = .succeeded(output)
    case .success(.failure(let failure)): ending = .failed(failure)
    case .failure(let must as ScopeDriver.ExecutionMustFail): ending = .failed(must.failure)
    case .failure(Interruption.timedOut(let at)):
      ending = .timedOut(seconds: pipeline.machine.timeoutSeconds ?? 0)
      endedAt = at
    case .failure(Interruption.ended(.stopRequested)):
      let current = try store.execution(record.id)
      ending = .aborted(error: current?.error, cause: current?.cause ?? "Stopped by flow stop")
    case .failure(Interruption.ended(.leaseLost(let why))):
      throw ExecutorError("execution \(record.id): stopped at once without further effects: \(why). "
                          + "Its new owner goes on with it; see `flow status \(record.id)`.", code: .leaseLost)
    case .failure(let error as StoreError) where error.code == .leaseLost:
      throw ExecutorError("execution \(record.id): stopped at once without further effects: \(error.message)", code: .leaseLost)
    case .failure(is ScopeDriver.HandedBack):
      try await journal.committed()
      throw ExecutorError("execution \(record.id) was handed back after its running steps finished", code: .handedBack)
    case .failure(is CancellationError):
      // Interrupted (Ctrl-C, SIGTERM, a stopping scheduler): commit what finished, then stop resumably.
      try? await journal.committed()
      throw ExecutorError("execution \(record.id) was interrupted: resume it with `flow resume \(record.id)`",
                          code: .interrupted)
    case .failure(let error):
      // The store failed: leave the execution resumable, commit nothing more.
      throw ExecutorError("execution \(record.id) stopped without finishing (resume it with `flow resume \(record.id)`): \(error)")
    }
    let now = endedAt ?? options.clock.now()
    let finish = journal.transact { next in
      let id = next()
      let (event, finish) = ending.record(after: id - 1, at: now)
      return (finish, [event], nil, nil)
    }
    try await journal.committed(finishing: finish)
    // As the store now has it: `record` was read before this process took the lease.
    var ended = finish.applied(to: record)
    ended.owner = fence.owner
    ended.leaseEpoch = fence.epoch
    return ended
  }
}
