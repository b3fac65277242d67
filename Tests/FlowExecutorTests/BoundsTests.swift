import FlowCore
import FlowDefinition
import FlowExecutor
import FlowStore
import FlowTesting
import Foundation
import Testing

/// The limits that keep one execution from taking the machine: its history, and a store kept busy by another process.
@Suite struct BoundsTests {
  @Test func anEndlessLoopFailsAtTheHistoryLimit_andAPipelineCanRaiseIt() async throws {
    let h = try Harness()
    let loop = """
      StartAt: A
      States:
        A: {Type: Pass, Next: B}
        B: {Type: Choice, Choices: [{Variable: $.stop, IsPresent: true, Next: Done}], Default: A}
        Done: {Type: Succeed}
      """
    let done = try await h.run(loop, executor: h.executor(maxHistoryEvents: 500))
    #expect(done.status == .failed)
    #expect(done.error == "States.Runtime")
    #expect(done.cause?.contains("500 history events") == true)
    #expect(try h.events(done.id).count <= 502)
    let raised = try await h.run("Flow: {MaxHistoryEvents: 1200}\n" + loop, executor: h.executor(maxHistoryEvents: 500))
    #expect(raised.cause?.contains("1200 history events") == true)
  }

  /// Another connection holds the write lock for a moment: the executor's commits wait and the run succeeds.
  @Test func aBrieflyBusyStoreMakesWritersWait() async throws {
    let path = try temporaryDirectory("flow-busy").appendingPathComponent("flow.db").path
    let store = try SQLiteStore(path: path, busyTimeout: 0.05)
    let other = try SQLiteStore(path: path)
    var h = try Harness()
    h.steps.register("test:script", ScriptedStep())
    var options = ExecutorOptions(artifactsRoot: URL(fileURLWithPath: "/tmp/flow-busy-artifacts"))
    options.logger.logLevel = .critical
    let executor = Executor(store: store, steps: h.steps, loader: PipelineLoader(knownResources: Set(h.steps.resources)), options: options)
    let record = try executor.start(try h.pipeline("""
      StartAt: A
      States:
        A: {Type: Task, Resource: "test:script", Next: B}
        B: {Type: Task, Resource: "test:script", End: true}
      """), input: ["v": 1])
    let locked = Flag()
    let holder = Thread {
      try? other.withWriteLock {
        locked.set()
        Thread.sleep(forTimeInterval: 0.6)
      }
    }
    holder.start()
    #expect(try await eventually { locked.isSet })
    let done = try await executor.run(record.id)
    #expect(done.status == .succeeded)
    #expect(done.output == ["v": 1])
  }

  /// Held longer than the lease allows: the run stops, says why and how to resume, and nothing is lost.
  @Test func aStoreBusyLongerThanTheLeaseStopsTheRunResumably() async throws {
    let path = try temporaryDirectory("flow-busy").appendingPathComponent("flow.db").path
    let store = try SQLiteStore(path: path, busyTimeout: 0.05)
    let other = try SQLiteStore(path: path)
    var h = try Harness()
    let started = Flag(), locked = Flag()
    h.steps.register("test:gate", GateStep(started: started, open: locked))
    var options = ExecutorOptions(artifactsRoot: URL(fileURLWithPath: "/tmp/flow-busy-artifacts"))
    options.logger.logLevel = .critical
    options.leaseSeconds = 1.5
    let executor = Executor(store: store, steps: h.steps, loader: PipelineLoader(knownResources: Set(h.steps.resources)), options: options)
    let pipeline = try h.pipeline("StartAt: A\nStates: {A: {Type: Task, Resource: \"test:gate\", End: true}}")
    let record = try executor.start(pipeline, input: ["v": 2])
    // Once the step runs, another connection takes the write lock for longer than the lease.
    let holder = Thread {
      while !started.isSet { Thread.sleep(forTimeInterval: 0.005) }
      try? other.withWriteLock {
        locked.set()
        Thread.sleep(forTimeInterval: 2.5)
      }
    }
    holder.start()
    await #expect { try await executor.run(record.id) } throws: { error in
      let message = String(describing: error)
      return message.contains("locked by another process") && message.contains("flow resume \(record.id)")
    }
    #expect(try store.execution(record.id)?.status == .running)
    try await Task.sleep(for: .seconds(1.5))  // let the holder let go
    let resumed = try await executor.run(record.id)
    #expect(resumed.status == .succeeded)
    #expect(resumed.output == ["v": 2])
  }
}

/// Says it started, then returns its input once `open` is set.
struct GateStep: Step {
  let started: Flag
  let open: Flag
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    started.set()
    while !open.isSet { try await Task.sleep(for: .milliseconds(5)) }
    return input
  }
}
