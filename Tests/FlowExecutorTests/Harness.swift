import FlowCore
import FlowDefinition
import FlowExecutor
import FlowSteps
import FlowTesting
import Foundation

/// An executor over an in-memory store and a manual clock, with the built-in steps plus a few test steps.
/// Nothing here touches the disk or sleeps for real.
struct Harness {
  let store = InMemoryStore()
  let clock = ManualClock()
  let calls = Calls()
  var steps: StepRegistry
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-exec-\(UUID().uuidString)")
    steps = .builtIn
    steps.register("test:count", CountingStep(calls: calls))
    steps.register("test:flaky", FlakyStep(calls: calls))
    steps.register("test:block", BlockingStep(calls: calls))
    steps.register("test:units", UnitsStep(calls: calls))
  }

  func executor(payloadLimit: Int? = nil, leaseSeconds: Double = 10, maxHistoryEvents: Int? = nil,
                handBack: @escaping @Sendable () -> Bool = { false }) -> Executor {
    var options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"))
    options.handBack = handBack
    options.leaseSeconds = leaseSeconds
    if let payloadLimit { options.payloadLimitBytes = payloadLimit }
    if let maxHistoryEvents { options.maxHistoryEvents = maxHistoryEvents }
    options.tokenPollSeconds = 0.05
    options.clock = clock
    options.logger.logLevel = .critical
    return Executor(store: store, steps: steps, loader: PipelineLoader(knownResources: Set(steps.resources)), options: options)
  }

  func pipeline(_ yaml: String) throws -> Pipeline {
    try PipelineLoader(knownResources: Set(steps.resources)).load(text: yaml, path: "test.yaml")
  }

  /// Starts and runs a pipeline to its end, moving the manual clock to each sleeper's wake-up time as soon as every
  /// other task waits: time passes only when nothing else can happen, as fast as the machine allows.
  func run(_ yaml: String, input: JSONValue = .emptyObject, executor: Executor? = nil) async throws -> ExecutionRecord {
    let flow = executor ?? self.executor()
    let record = try flow.start(try pipeline(yaml), input: input)
    return try await advancing { try await flow.run(record.id) }
  }

  /// Runs `body`, advancing the clock to the next wake-up whenever something sleeps on it.
  func advancing<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let finished = Flag()
    let task = Task {
      defer { finished.set() }
      return try await body()
    }
    while !finished.isSet {
      if let wake = clock.nextWake {
        // Let the tasks that are not sleeping reach their next wait first (a moment of settling, not of timing).
        try await Task.sleep(for: .milliseconds(3))
        if clock.nextWake == wake { clock.advance(by: max(0, wake - clock.now())) }
      } else {
        await Task.yield()
      }
    }
    return try await task.value
  }

  func events(_ id: String) throws -> [HistoryEvent] { try store.events(of: id, after: 0) }
}

/// A flag set once, read from any task.
final class Flag: Sendable {
  private let value = Locked(false)
  var isSet: Bool { value.value }
  func set() { value.withLock { $0 = true } }
}

/// Counts calls per key, thread-safely.
final class Calls: Sendable {
  private struct Fields {
    var counts: [String: Int] = [:]
    var attempts: [String: [Int]] = [:]
    var keys: [String: Set<String>] = [:]
  }
  private let fields = Locked(Fields())

  @discardableResult
  func record(_ name: String, attempt: Int = 0, key: String = "") -> Int {
    fields.withLock { fields in
      fields.counts[name, default: 0] += 1
      fields.attempts[name, default: []].append(attempt)
      fields.keys[name, default: []].insert(key)
      return fields.counts[name]!
    }
  }
  func count(_ name: String) -> Int { fields.withLock { $0.counts[name] ?? 0 } }
  func attempts(_ name: String) -> [Int] { fields.withLock { $0.attempts[name] ?? [] } }
  func keys(_ name: String) -> Set<String> { fields.withLock { $0.keys[name] ?? [] } }
  var total: Int { fields.withLock { $0.counts.values.reduce(0, +) } }
}

/// Records each call under `input.name` (or the state name) and returns its input.
struct CountingStep: Step {
  let calls: Calls
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    calls.record(input["name"]?.stringValue ?? context.stateName, attempt: context.attempt, key: context.idempotencyKey)
    return input
  }
}

/// Fails with `input.error` for the first `input.failures` calls of its name, then returns its input.
struct FlakyStep: Step {
  let calls: Calls
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let name = input["name"]?.stringValue ?? context.stateName
    let n = calls.record(name, attempt: context.attempt)
    if n <= input["failures"]?.intValue ?? 1 {
      throw StepFailure(input["error"]?.stringValue ?? "Flaky", cause: "call \(n) fails")
    }
    return ["name": .string(name), "calls": .int(n)]
  }
}

/// On its first call for `input.name` (or the state), blocks until cancelled (a process killed mid-step)
/// unless `input.block` is false; later calls return the input.
struct BlockingStep: Step {
  let calls: Calls
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let n = calls.record(input["name"]?.stringValue ?? context.stateName, attempt: context.attempt, key: context.idempotencyKey)
    if n == 1 && input["block"] != false { try await Task.sleep(for: .seconds(3600)) }
    return input
  }
}

/// Waits until `condition` holds, yielding between checks; gives up after `seconds` of wall time.
func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) async throws -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try condition() { return true }
    try await Task.sleep(for: .milliseconds(2))
  }
  return false
}

/// Works through `input.units` units, checkpointing each; on its first attempt it stalls (until cancelled) in unit 2.
struct UnitsStep: Step {
  let calls: Calls
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let done = try context.checkpoints.load().compactMap(\.intValue)
    for unit in done.count..<(input["units"]?.intValue ?? 0) {
      calls.record("unit\(unit)")
      if unit == 2 && context.attempt == 1 { try await Task.sleep(for: .seconds(3600)) }
      try context.checkpoints.save(.int(unit))
    }
    return .int(try context.checkpoints.load().count)
  }
}
