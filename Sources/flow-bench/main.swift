// The engine benchmark: `swift run -c release flow-bench`. Prints figures, then one JSON object per line:
// {"benchmark", "value", "unit"}. Each figure is the median of several runs on a fresh store.
import FlowCore
import FlowDefinition
import FlowExecutor
import FlowSteps
import FlowStore
import Foundation

let runs = Int(ProcessInfo.processInfo.environment["FLOW_BENCH_RUNS"] ?? "") ?? 5
let durability = SQLiteStore.Durability(rawValue: ProcessInfo.processInfo.environment["FLOW_DURABILITY"] ?? "full") ?? .full
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

var results: [(String, Double, String)] = []
@MainActor func record(_ name: String, _ value: Double, _ unit: String) {
  results.append((name, value, unit))
  print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%12.1f ", value) + unit)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func freshStore(_ tag: String) throws -> SQLiteStore {
  let path = scratch.appendingPathComponent("\(tag)-\(UUID().uuidString).db").path
  return try SQLiteStore(path: path, durability: durability)
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
  let start = ContinuousClock.now
  try await body()
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func executor(_ store: SQLiteStore, steps: StepRegistry = .builtIn, observer: (@Sendable (HistoryEvent) -> Void)? = nil) -> Executor {
  var options = ExecutorOptions(artifactsRoot: scratch.appendingPathComponent("artifacts"), observer: observer)
  // The Map over 10,000 items and the 10,000-event resume go past Step Functions' 25,000-event history limit.
  options.maxHistoryEvents = 10_000_000
  return Executor(store: store, steps: steps, loader: PipelineLoader(knownResources: Set(steps.resources)), options: options)
}

func pipeline(_ machine: StateMachine, name: String) -> Pipeline {
  Pipeline(name: name, path: "\(name).json", parameters: [:], schedule: nil, machine: machine, document: .emptyObject)
}

/// A chain of `count` states made by `make`, each leading to the next.
func chain(_ count: Int, _ make: (String, Transition) -> State) -> StateMachine {
  var states: [String: State] = [:]
  var order: [String] = []
  for i in 0..<count {
    let name = "S\(i)"
    states[name] = make(name, i == count - 1 ? .end : .next("S\(i + 1)"))
    order.append(name)
  }
  return StateMachine(startAt: "S0", states: states, order: order)
}

func runToEnd(_ machine: StateMachine, store: SQLiteStore, steps: StepRegistry = .builtIn, input: JSONValue = .emptyObject) async throws {
  let flow = executor(store, steps: steps)
  let p = pipeline(machine, name: "bench")
  let started = try flow.start(p, input: input)
  let final = try await flow.run(started.id, pipeline: p)
  guard final.status == .succeeded else { fatalError("benchmark execution failed: \(final.error ?? "") \(final.cause ?? "")") }
}

print("flow engine benchmark (durability \(durability.rawValue), median of \(runs) runs)")

// 1. The floor: one-row commits with the store's own settings.
do {
  var rates: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("raw")
    let n = 2000
    let t = try await seconds { for i in 0..<n { try store.commitEmptyRow(i) } }
    rates.append(Double(n) / t)
  }
  record("sqlite_commits_per_second", median(rates), "commits/s")
}

// 2. Durable transitions on a chain of 1,000 Pass states.
do {
  let machine = chain(1000) { name, next in State(name: name, kind: .pass(PassState(result: nil)), transition: next) }
  var rates: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("pass")
    let t = try await seconds { try await runToEnd(machine, store: store, input: ["x": 1]) }
    rates.append(1000 / t)
  }
  record("pass_chain_transitions_per_second", median(rates), "transitions/s")
}

// 2b. The same chain in JSONata: each state computes an `Output` and an `Assign` from `$states.input`.
do {
  let output = try JSONataTemplate(["x": "{% $states.input.x + 1 %}", "seen": "{% $count($states.input.seen) %}"])
  let assign = try JSONataTemplate(["last": "{% $states.input.x %}"])
  let machine = chain(1000) { name, next in
    var state = State(name: name, kind: .pass(PassState(result: nil)), transition: next)
    state.jsonata = JSONataFields(output: output, assign: assign)
    return state
  }
  var rates: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("jsonata-pass")
    let t = try await seconds { try await runToEnd(machine, store: store, input: ["x": 1, "seen": [1, 2, 3]]) }
    rates.append(1000 / t)
  }
  record("jsonata_pass_chain_transitions_per_second", median(rates), "transitions/s")
  if let jsonPath = results.first(where: { $0.0 == "pass_chain_transitions_per_second" })?.1 {
    record("jsonata_pass_chain_vs_jsonpath_percent", 100 * median(rates) / jsonPath, "%")
  }
}

// 3. In-process Task steps (flow:echo), each committed before it runs.
do {
  let machine = chain(1000) { name, next in State(name: name, kind: .task(TaskState(resource: "flow:echo")), transition: next) }
  var rates: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("task")
    let t = try await seconds { try await runToEnd(machine, store: store, input: ["x": 1]) }
    rates.append(1000 / t)
  }
  record("task_chain_steps_per_second", median(rates), "steps/s")
}

// 4. A Map over 10,000 items, each a Pass state.
do {
  let processor = StateMachine(startAt: "P", states: ["P": State(name: "P", kind: .pass(PassState(result: nil)), transition: .end)], order: ["P"])
  let map = State(name: "M", kind: .map(MapState(itemsPath: nil, itemSelector: nil, processor: processor)), transition: .end)
  let machine = StateMachine(startAt: "M", states: ["M": map], order: ["M"])
  let items = JSONValue.array((0..<10_000).map { .int($0) })
  var times: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("map")
    times.append(try await seconds { try await runToEnd(machine, store: store, input: items) })
  }
  record("map_10000_items_seconds", median(times), "s")
  record("map_items_per_second", 10_000 / median(times), "items/s")
}

// 5. Resuming an execution with 10,000 events: the time from `run` to the resumed step starting.
do {
  /// Blocks until cancelled the first time (the "crash"), returns at once afterwards.
  struct Gate: Step {
    let crashed: Bool
    func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
      if !crashed { try await Task.sleep(for: .seconds(3600)) }
      return input
    }
  }
  let passes = chain(4999) { name, next in State(name: name, kind: .pass(PassState(result: nil)), transition: next) }
  var states = passes.states
  states["S4998"]!.transition = .next("Gate")
  states["Gate"] = State(name: "Gate", kind: .task(TaskState(resource: "bench:gate")), transition: .end)
  let machine = StateMachine(startAt: "S0", states: states, order: passes.order + ["Gate"])
  var times: [Double] = []
  for _ in 0..<runs {
    let store = try freshStore("resume")
    var blocking = StepRegistry()
    blocking.register("bench:gate", Gate(crashed: false))
    let first = executor(store, steps: blocking)
    let p = pipeline(machine, name: "resume")
    let started = try first.start(p, input: ["x": 1])
    let run = Task { try await first.run(started.id, pipeline: p) }
    while try store.lastEventId(of: started.id) < 10_000 { try await Task.sleep(for: .milliseconds(20)) }
    run.cancel()  // the process "dies": nothing more is committed
    _ = try? await run.value
    let events = try store.lastEventId(of: started.id)
    var open = StepRegistry()
    open.register("bench:gate", Gate(crashed: true))
    let clock = ContinuousClock.now
    let resumedAt = Locked<ContinuousClock.Instant?>(nil)
    let second = executor(try SQLiteStore(path: store.path, durability: durability), steps: open) { event in
      if event.type == .taskStarted { resumedAt.withLock { $0 = $0 ?? ContinuousClock.now } }
    }
    _ = try await second.run(started.id, pipeline: p)
    let elapsed = resumedAt.value! - clock
    times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    if times.count == 1 { print("  (resumed execution had \(events) events)") }
  }
  record("resume_10000_events_ms", median(times), "ms")
}

for (name, value, unit) in results {
  print(JSONValue.object(["benchmark": .string(name), "value": .double((value * 10).rounded() / 10), "unit": .string(unit)]).serialized())
}
