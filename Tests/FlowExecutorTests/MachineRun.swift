import FlowCore
import FlowDefinition
@testable import FlowExecutor
import Foundation

/// Drives a ``ScopeMachine`` by hand: no store, no clock, no steps. The test says what happened and when, and
/// reads the effect and events the machine answers with.
struct MachineRun {
  var machine: ScopeMachine
  var now: Double = 1_000
  /// What the machine's randomness returns (retry jitter, `States.UUID`, `States.MathRandom`, `$random()`).
  var random: Double = 0.5
  var historyLimit = 25_000
  /// Every event so far, in order.
  var events: [HistoryEvent] = []
  private let ids = Counter(next: 2)

  init(_ yaml: String, input: JSONValue = .emptyObject) throws {
    let pipeline = try PipelineLoader(knownResources: ["flow:echo", "flow:echo.waitForTaskToken"]).load(text: yaml, path: "t.yaml")
    let record = ExecutionRecord(id: "exec", name: "exec", pipeline: "t", pipelinePath: "t.yaml", definition: "{}", input: input,
                                 startTime: 1_000)
    machine = ScopeMachine(machine: pipeline.machine, scopeId: "root",
                           execution: ExecutionContext(record: record, pipelineName: "t", payloadLimitBytes: 256 * 1024),
                           position: Position(state: pipeline.machine.startAt, input: input, previousEvent: 1, variables: [:]))
  }

  /// Feeds `signal` at the current time; returns the effect.
  @discardableResult
  mutating func handle(_ signal: ScopeMachine.Signal) -> ScopeMachine.Effect {
    let random = self.random
    let ids = self.ids
    let transition = machine.handle(signal, ScopeMachine.Inputs(
      now: now, random: { random }, newToken: { "token-\(ids.peek)" }, nextEventId: { ids.take() }, historyLimit: historyLimit))
    events.append(contentsOf: transition.events)
    return transition.effect
  }

  /// The machine a crash leaves behind: rebuilt from the position as the store keeps it.
  func restarted() throws -> MachineRun {
    var copy = self
    copy.events = []
    copy.machine = ScopeMachine(machine: machine.machine, scopeId: machine.scopeId, execution: machine.execution,
                                position: try Position(json: machine.position.json))
    return copy
  }

  var types: [String] { events.map(\.type.rawValue) }
}

final class Counter: Sendable {
  private let value: Locked<Int>
  init(next: Int) { value = Locked(next) }
  var peek: Int { value.value }
  func take() -> Int { value.withLock { value in defer { value += 1 }; return value } }
}

extension ScopeMachine.Effect {
  var call: TaskCall? { if case .runTask(let call) = self { call } else { nil } }
  var sleepUntil: Double? { if case .sleep(let until) = self { until } else { nil } }
  var batch: ChildBatch? { if case .runChildren(let batch) = self { batch } else { nil } }
  var output: JSONValue? { if case .finished(.success(let output)) = self { output } else { nil } }
  var failure: StepFailure? {
    switch self {
    case .finished(.failure(let failure)), .failExecution(let failure): failure
    default: nil
    }
  }
}
