import FlowCore
import FlowDefinition
import Foundation

/// Runs one scope by the only loop in which a ``ScopeMachine`` transition happens: transition (events and the new
/// position queued together) → commit, before any effect that reaches outside → perform the effect → feed its
/// outcome back.
///
/// A task's result is made durable by the commit that precedes the scope's next effect, or, when the scope ends
/// right after it, by a commit at the end: never later than the scope's own next step, whatever its siblings do.
struct ScopeDriver: Sendable {
  let runtime: ExecutionRuntime

  /// The execution must fail at once (its history limit was reached).
  struct ExecutionMustFail: Error { var failure: StepFailure }
  /// ``ExecutorOptions/handBack`` asked the scope to stop before its next effect.
  struct HandedBack: Error {}

  /// Runs the scope to its end. `commitsItsEnd` is false for the top-level scope, whose end the execution's
  /// final commit carries anyway.
  func run(_ start: ScopeMachine, commitsItsEnd: Bool = true) async throws -> Result<JSONValue, StepFailure> {
    var machine = start
    var signal = ScopeMachine.Signal.proceed
    let journal = runtime.journal
    while true {
      let effect = journal.transact { next in
        let transition = machine.handle(signal, runtime.inputs(next))
        return (transition.effect, transition.events, record(of: machine, ending: transition.effect), token(of: transition.effect, machine))
      }
      // Checked after the transition, so the outcome of a step that finished as the execution was interrupted is
      // queued (and committed by the driver) rather than dropped and run again on resume.
      switch effect {
      case .finished, .failExecution: break
      default:
        try Task.checkCancellation()
        if runtime.options.handBack() { throw HandedBack() }
      }
      let outcomeSinceCommit = signal != .proceed
      switch effect {
      case .yield:
        signal = .proceed
        // A new execution exists once committed: a long loop of states does not keep its creator waiting.
        if journal.creates { try await journal.committed() }
        await Task.yield()
      case .finished(let result):
        if outcomeSinceCommit && commitsItsEnd { try await journal.committed() }
        return result
      case .failExecution(let failure):
        throw ExecutionMustFail(failure: failure)
      case .sleep(let until):
        try await journal.committed()
        try await runtime.clock.sleep(until: until)
        signal = .timerFired
      case .runTask(let call):
        try await journal.committed()
        signal = try await TaskInvocation(runtime: runtime, call: call, scopeId: machine.scopeId).run()
      case .awaitToken(let token, let deadline, let heartbeat):
        try await journal.committed()
        signal = try await TaskInvocation.awaitAnswer(token, deadline: deadline, heartbeat: heartbeat, runtime: runtime)
      case .readItems(let read):
        if journal.creates { try await journal.committed() }
        signal = .itemsRead(readItems(read, machine))
      case .runChildren(let batch):
        if journal.creates { try await journal.committed() }
        signal = .childrenFinished(try await runChildren(batch, parent: machine))
      case .runMapRun(let run):
        // Committed first: the children's names and MapRunStarted are durable before any child exists.
        try await journal.committed()
        signal = .mapRunEnded(try await MapRunDriver(runtime: runtime, run: run, previousEvent: machine.position.previousEvent).perform())
      }
    }
  }

  /// The scope's record after a transition: running, or ended with its result.
  private func record(of machine: ScopeMachine, ending effect: ScopeMachine.Effect) -> ScopeRecord {
    switch effect {
    case .finished(.success(let output)):
      return ScopeRecord(id: machine.scopeId, status: .succeeded, position: machine.position.json, result: output)
    case .finished(.failure(let failure)):
      return ScopeRecord(id: machine.scopeId, status: .failed, position: machine.position.json,
                         result: ["Error": .string(failure.error), "Cause": .string(failure.cause)])
    default:
      return ScopeRecord(id: machine.scopeId, status: .running, position: machine.position.json)
    }
  }

  /// A new callback token is stored with the commit of the attempt that made it.
  private func token(of effect: ScopeMachine.Effect, _ machine: ScopeMachine) -> TaskTokenRecord? {
    guard case .runTask(let call) = effect, call.newToken, let token = call.token else { return nil }
    return TaskTokenRecord(token: token, executionId: runtime.record.id, stateName: call.stateName, heartbeat: runtime.clock.now())
  }

  private func readItems(_ read: ItemRead, _ machine: ScopeMachine) -> Result<[JSONValue], StepFailure> {
    guard case .map(let map)? = machine.machine.states[read.state]?.kind, let reader = map.itemReader else {
      return .failure(StepFailure("States.ItemReaderFailed", cause: "The state '\(read.state)' has no ItemReader."))
    }
    return Result { try ItemReading.read(reader, parameters: read.parameters, maxItems: read.maxItems) }
      .mapError { $0 as? StepFailure ?? StepFailure("States.ItemReaderFailed", cause: "\($0)") }
  }

  /// Runs a Parallel's branches or a Map's iterations as ``FanOut`` decides, each by a driver of its own.
  private func runChildren(_ batch: ChildBatch, parent: ScopeMachine) async throws -> Result<[JSONValue], StepFailure> {
    guard let state = parent.machine.states[parent.position.state] else {
      return .failure(StepFailure("States.Runtime", cause: "The state '\(parent.position.state)' does not exist."))
    }
    var fan = FanOut(count: batch.children.count, maxConcurrency: batch.maxConcurrency, toleratedFailures: batch.toleratedFailures)
    return try await withThrowingTaskGroup(of: (Int, Result<JSONValue, StepFailure>).self) { group in
      var decision = fan.start()
      while true {
        switch decision {
        case .succeeded(let results):
          return .success(results)
        case .failed(let failure):
          group.cancelAll()
          return .failure(failure)
        case .launch(let indices):
          for index in indices {
            let child = batch.children[index]
            guard let machine = parent.childMachine(of: state, branch: child.branch) else { continue }
            group.addTask { (index, try await runChild(child, machine: machine, batch: batch)) }
          }
        }
        let next: (Int, Result<JSONValue, StepFailure>)?
        do { next = try await group.next() } catch is HandedBack {
          // Siblings finish their running steps too (each stops before its next effect), then the scope stops.
          while true {
            do { if try await group.next() == nil { break } } catch is HandedBack {}
          }
          throw HandedBack()
        }
        guard let (index, result) = next else {
          return .failure(StepFailure("States.Runtime", cause: "The children of '\(state.name)' ended without results."))
        }
        decision = fan.childEnded(index, result)
      }
    }
  }

  /// Runs (or resumes, or reuses the stored end of) one child scope.
  private func runChild(_ child: ChildScope, machine: StateMachine, batch: ChildBatch) async throws -> Result<JSONValue, StepFailure> {
    let position: Position
    if let stored = runtime.storedScopes[child.id] {
      switch stored.status {
      case .succeeded: return .success(stored.result ?? .null)
      case .failed:
        return .failure(StepFailure(stored.result?["Error"]?.stringValue ?? "", cause: stored.result?["Cause"]?.stringValue ?? ""))
      case .running: position = try Position(json: stored.position)
      }
    } else {
      position = Position(state: machine.startAt, input: child.input, previousEvent: batch.parentEvent,
                          variables: batch.variables, iteration: child.iteration)
    }
    return try await run(ScopeMachine(machine: machine, scopeId: child.id, execution: runtime.context, position: position))
  }
}
