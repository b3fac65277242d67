import FlowCore
import FlowExecutor
import FlowTesting
import Foundation
import Testing

/// Crash and resume in-process: cancelling the running task stops the executor where it stands, committing
/// nothing more, as a killed process would. (The CLI tests kill real processes with SIGKILL.)
@Suite struct DurabilityTests {
  /// Starts `yaml`, waits for `ready`, then "kills" the run.
  func crash(_ h: Harness, _ yaml: String, input: JSONValue = .emptyObject, when ready: @escaping () throws -> Bool) async throws -> String {
    let flow = h.executor()
    let record = try flow.start(try h.pipeline(yaml), input: input)
    let running = Task { try await flow.run(record.id) }
    #expect(try await eventually(10, ready))
    try await Task.sleep(for: .milliseconds(20))  // let the run reach its await
    running.cancel()
    _ = try? await running.value
    #expect(try h.store.execution(record.id)?.status == .running)
    return record.id
  }

  /// `flow worker` draining: the branches' running steps finish and are committed, nothing new starts, and the
  /// execution is handed back; the next run goes on from there without running a finished step again.
  @Test func handingBack_letsRunningStepsFinish_startsNoNewOne_andTheNextRunGoesOn() async throws {
    var h = try Harness()
    let (started1, started2, open) = (Flag(), Flag(), Flag())
    h.steps.register("test:gate1", CountedGate(calls: h.calls, gate: GateStep(started: started1, open: open)))
    h.steps.register("test:gate2", CountedGate(calls: h.calls, gate: GateStep(started: started2, open: open)))
    let yaml = """
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches:
            - {StartAt: G1, States: {G1: {Type: Task, Resource: test:gate1, Next: C1}, C1: {Type: Task, Resource: test:count, End: true}}}
            - {StartAt: G2, States: {G2: {Type: Task, Resource: test:gate2, Next: C2}, C2: {Type: Task, Resource: test:count, End: true}}}
          End: true
      """
    let flow = h.executor(handBack: { open.isSet })
    let record = try flow.start(try h.pipeline(yaml), input: [:])
    let running = Task { try await flow.run(record.id) }
    #expect(try await eventually { started1.isSet && started2.isSet })
    open.set()  // the gates open and the draining starts at the same moment
    await #expect { try await running.value } throws: { ($0 as? ExecutorError)?.code == .handedBack }
    let events = try h.events(record.id)
    #expect(events.filter { $0.type == .taskSucceeded }.count == 2, "both running steps were committed")
    #expect(h.calls.count("C1") + h.calls.count("C2") == 0, "no new step started")
    #expect(try h.store.execution(record.id)?.status == .running)

    let final = try await h.executor().run(record.id)
    #expect(final.status == .succeeded)
    #expect(final == (try h.store.execution(record.id)), "the returned record is the stored one (lease epoch included)")
    #expect(h.calls.count("G1") == 1 && h.calls.count("G2") == 1, "the gates did not run again")
    #expect(h.calls.count("C1") == 1 && h.calls.count("C2") == 1)
  }

  @Test func resumeSkipsFinishedSteps_andRerunsTheInterruptedOneWithTheSameKey() async throws {
    let h = try Harness()
    let id = try await crash(h, """
      StartAt: A
      States:
        A: {Type: Task, Resource: "test:count", Next: B}
        B: {Type: Task, Resource: "test:block", Next: C}
        C: {Type: Task, Resource: "test:count", End: true}
      """, input: ["v": 1]) { h.calls.count("B") == 1 }
    let done = try await h.executor().run(id)
    #expect(done.status == .succeeded)
    #expect(done.output == ["v": 1])
    #expect(h.calls.count("A") == 1)
    #expect(h.calls.count("C") == 1)
    #expect(h.calls.attempts("B") == [1, 2])
    #expect(h.calls.keys("B").count == 1)
    let events = try h.events(id)
    #expect(events.contains { $0.type == .taskStarted && $0.flow["afterInterruption"] == true })
  }

  @Test func resumingAMapRerunsOnlyUnfinishedItems() async throws {
    let h = try Harness()
    let items: [JSONValue] = (0..<20).map { i in ["name": .string("item\(i)"), "block": .bool(i >= 10 && i < 15)] }
    let id = try await crash(h, """
      StartAt: M
      States:
        M:
          Type: Map
          MaxConcurrency: 5
          ItemProcessor:
            StartAt: Work
            States:
              Work: {Type: Task, Resource: "test:block", End: true}
          End: true
      """, input: .array(items)) { h.calls.total == 15 }
    let done = try await h.executor().run(id)
    #expect(done.status == .succeeded)
    #expect(done.output?.arrayValue?.count == 20)
    for i in 0..<10 { #expect(h.calls.count("item\(i)") == 1, "item\(i) ran again") }
    for i in 10..<15 { #expect(h.calls.count("item\(i)") == 2) }
    for i in 15..<20 { #expect(h.calls.count("item\(i)") == 1) }
  }

  @Test func aStepsCheckpointsSurviveACrash_soFinishedUnitsAreNotRepeated() async throws {
    let h = try Harness()
    let id = try await crash(h, "StartAt: T\nStates: {T: {Type: Task, Resource: \"test:units\", End: true}}",
                             input: ["units": 5]) { h.calls.count("unit2") == 1 }
    let done = try await h.executor().run(id)
    #expect(done.output == 5)
    #expect((0..<5).map { h.calls.count("unit\($0)") } == [1, 1, 2, 1, 1])
  }

  @Test func aResumedWaitWaitsOnlyForTheRemainingTime() async throws {
    let h = try Harness()
    let id = try await crash(h, """
      StartAt: W
      States:
        W: {Type: Wait, Seconds: 3, End: true}
      """) { h.clock.sleeping == 1 }
    h.clock.advance(by: 1)
    let done = try await h.advancing { try await h.executor().run(id) }
    let events = try h.events(id)
    let entered = try #require(events.first { $0.type == .waitStateEntered }).timestamp
    let exited = try #require(events.first { $0.type == .waitStateExited }).timestamp
    #expect(done.status == .succeeded)
    #expect(exited - entered == 3, "the wait restarted instead of resuming")
  }

  @Test func redriveRerunsOnlyTheFailedItems() async throws {
    let h = try Harness()
    let flow = h.executor()
    let record = try flow.start(try h.pipeline("""
      StartAt: M
      States:
        M:
          Type: Map
          MaxConcurrency: 1
          ItemProcessor:
            StartAt: Work
            States:
              Work: {Type: Task, Resource: "test:flaky", End: true}
          End: true
      """), input: [["name": "a", "failures": 0], ["name": "b", "failures": 0], ["name": "c", "failures": 1], ["name": "d", "failures": 0]])
    let failed = try await h.advancing { try await flow.run(record.id) }
    #expect(failed.status == .failed)
    #expect(failed.error == "Flaky")
    _ = try flow.redrive(record.id)
    let done = try await h.advancing { try await flow.run(record.id) }
    #expect(done.status == .succeeded)
    #expect(done.redriveCount == 1)
    #expect(["a", "b", "c", "d"].map(h.calls.count) == [1, 1, 2, 1])
    await #expect(throws: ExecutorError.self) { _ = try flow.redrive(record.id) }
  }

  @Test func stopAbortsARunningExecution() async throws {
    let h = try Harness()
    let flow = h.executor(leaseSeconds: 0.3)
    let record = try flow.start(try h.pipeline("StartAt: B\nStates: {B: {Type: Task, Resource: \"test:block\", End: true}}"), input: .emptyObject)
    let running = Task { try await flow.run(record.id) }
    #expect(try await eventually { h.calls.count("B") == 1 })
    // `flow stop` compares the lease with the wall clock, as the lease keeper writes it.
    #expect(try h.store.requestStop(record.id, error: "Manual", cause: "stopped by test", now: Date().timeIntervalSince1970) == .running)
    let done = try await running.value
    #expect(done.status == .aborted)
    #expect(try h.events(record.id).last?.type == .executionAborted)
    #expect(done.error == "Manual")
    #expect(done.cause == "stopped by test")
  }

  /// The process's one lease thread (LeaseRenewals) keeps the leases of many running executions: after three
  /// lease times, every one is still held by this executor and valid, and none of them was interrupted.
  @Test func manyRunningExecutionsKeepTheirLeases() async throws {
    let h = try Harness()
    let flow = h.executor(leaseSeconds: 0.3)
    let pipeline = try h.pipeline("StartAt: B\nStates: {B: {Type: Task, Resource: \"test:block\", End: true}}")
    let records = try (0..<20).map { i in try flow.start(pipeline, input: ["name": .string("b\(i)")]) }
    let runs = records.map { record in Task { try await flow.run(record.id) } }
    #expect(try await eventually { (0..<20).allSatisfy { h.calls.count("b\($0)") == 1 } })
    try await Task.sleep(for: .seconds(1))
    let now = Date().timeIntervalSince1970
    for record in records {
      let stored = try #require(try h.store.execution(record.id))
      #expect(stored.status == .running)
      #expect(stored.owner == flow.owner)
      #expect((stored.leaseUntil ?? 0) > now, "the lease of \(record.id) was renewed")
    }
    for run in runs { run.cancel() }
    for run in runs { _ = try? await run.value }
  }

  @Test func aSecondProcessCannotRunALiveExecution() async throws {
    let h = try Harness()
    let first = h.executor()
    let record = try first.start(try h.pipeline("StartAt: B\nStates: {B: {Type: Task, Resource: \"test:block\", End: true}}"), input: .emptyObject)
    let running = Task { try await first.run(record.id) }
    #expect(try await eventually { h.calls.count("B") == 1 })
    await #expect { try await h.executor().run(record.id) } throws: { error in
      String(describing: error).contains("another live process")
    }
    running.cancel()
    _ = try? await running.value
  }

  @Test func aCallbackTaskWaitsForItsToken() async throws {
    let h = try Harness()
    let flow = h.executor()
    let record = try flow.start(try h.pipeline("""
      StartAt: Approve
      States:
        Approve:
          Type: Task
          Resource: "flow:echo.waitForTaskToken"
          Parameters: {"token.$": $$.Task.Token}
          ResultPath: $.approval
          End: true
      """), input: ["model": "m1"])
    let running = Task { try await h.advancing { try await flow.run(record.id) } }
    var token: String?
    #expect(try await eventually {
      token = try h.events(record.id).first { $0.type == .taskScheduled }?.details["parameters"]?["token"]?.stringValue
      return token != nil
    })
    try h.store.completeToken(try #require(token), status: .succeeded, output: ["approved": true], error: nil, cause: nil,
                              now: h.clock.now())
    let done = try await running.value
    #expect(done.output == ["model": "m1", "approval": ["approved": true]])
  }

  @Test func aCallbackTaskWithoutHeartbeatsTimesOut() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: Approve
      States:
        Approve: {Type: Task, Resource: "flow:echo.waitForTaskToken", HeartbeatSeconds: 1, End: true}
      """)
    #expect(done.status == .failed)
    #expect(done.error == "States.HeartbeatTimeout")
  }
}

@Suite struct CallbackDurabilityTests {
  /// The process died while waiting for a token; the token was answered while nobody ran the execution; the resumed
  /// run takes the answer and does not send the notification (run the step) again.
  @Test func anAnsweredTokenIsNeverSentAgainOnResume() async throws {
    var setup = try Harness()
    let notify = ScriptedStep()
    setup.steps.register("test:notify", notify)
    let h = setup
    let flow = h.executor()
    let record = try flow.start(try h.pipeline("""
      StartAt: Approve
      States:
        Approve: {Type: Task, Resource: "test:notify.waitForTaskToken", Parameters: {"token.$": $$.Task.Token}, End: true}
      """), input: .emptyObject)
    let running = Task { try await flow.run(record.id) }
    #expect(try await eventually { !notify.calls.isEmpty && h.clock.sleeping > 0 })
    running.cancel()
    _ = try? await running.value
    let token = try #require(notify.calls.first?.input["token"]?.stringValue)
    try h.store.completeToken(token, status: .succeeded, output: ["approved": true], error: nil, cause: nil, now: h.clock.now())
    let done = try await h.advancing { try await h.executor().run(record.id) }
    #expect(done.status == .succeeded)
    #expect(done.output == ["approved": true])
    #expect(notify.calls.count == 1, "the notification was sent again")
  }
}

/// A ``GateStep`` that counts its calls by state name.
struct CountedGate: Step {
  let calls: Calls
  let gate: GateStep
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    calls.record(context.stateName)
    return try await gate.run(input, context: context)
  }
}
