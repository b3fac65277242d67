import FlowCore
import FlowDefinition
@testable import FlowExecutor
import Testing

/// The executor's semantics through its pure transition core: time and randomness are inputs, so back-off, jitter,
/// waits and timeouts are checked exactly, with no clock and no sleep.
@Suite struct ScopeMachineTests {
  static let flaky = """
    StartAt: T
    States:
      T:
        Type: Task
        Resource: flow:echo
        Retry: [{ErrorEquals: [Boom], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3, MaxDelaySeconds: 10, JitterStrategy: FULL}]
        Catch: [{ErrorEquals: [Other], ResultPath: $.error, Next: Caught}]
        End: true
      Caught: {Type: Pass, End: true}
    """

  @Test func intrinsicRandomness_comesFromTheTransitionsInputs() throws {
    var run = try MachineRun("""
      StartAt: P
      States:
        P:
          Type: Pass
          Parameters: {id.$: States.UUID(), n.$: "States.MathRandom(10, 20)", big.$: "States.MathRandom(-5, 5)"}
          End: true
      """)
    run.random = 0.5
    #expect(run.handle(.proceed).output == ["id": "80808080-8080-4080-8080-808080808080", "n": 15, "big": 0])
    run = try run.restarted()
    run.random = 0.999_999
    let output = try #require(run.handle(.proceed).output)
    #expect(output["n"] == 19)
    #expect(output["id"] == "ffffffff-ffff-4fff-bfff-ffffffffffff")
  }

  @Test func retryBacksOffExponentially_withJitterAndACap_thenFails() throws {
    var run = try MachineRun(Self.flaky, input: ["x": 1])
    run.random = 0.5
    #expect(run.handle(.proceed).call?.attempt == 1)
    var delays: [Double] = []
    for attempt in 2...4 {
      let effect = run.handle(.taskFailed(StepFailure("Boom", cause: "no")))
      let until = try #require(effect.sleepUntil)
      delays.append(until - run.now)
      run.now = until
      #expect(run.handle(.timerFired).call?.attempt == attempt)
    }
    // 2 × 3^n, capped at 10, times the jitter's 0.5.
    #expect(delays == [1, 3, 5])
    let end = run.handle(.taskFailed(StepFailure("Boom", cause: "fourth")))
    #expect(end.failure == StepFailure("Boom", cause: "fourth"))
    #expect(run.machine.position.retryCount == 3)
    #expect(run.types.filter { $0 == "TaskFailed" }.count == 4)
    #expect(run.types.filter { $0 == "TaskScheduled" }.count == 4)
  }

  @Test func aHugeBackoffRateIsCappedAtOneYear_neverOverflowing() {
    let retrier = Retrier(errorEquals: ["X"], intervalSeconds: 1, maxAttempts: 99, backoffRate: 1e30)
    #expect(ScopeMachine.delay(retrier, attempt: 90, random: 0.5) == Double(ScopeMachine.maxWaitSeconds))
    #expect(ScopeMachine.delay(Retrier(errorEquals: ["X"], jitter: .full), attempt: 0, random: 0.25) == 0.25)
  }

  @Test func catchLeadsToItsStateWithTheErrorInTheResultPath() throws {
    var run = try MachineRun(Self.flaky, input: ["x": 1])
    run.handle(.proceed)
    let effect = run.handle(.taskFailed(StepFailure("Other", cause: "caught")))
    #expect(effect.output == ["x": 1, "error": ["Error": "Other", "Cause": "caught"]])
    #expect(run.types.suffix(4) == ["TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited"])
  }

  @Test func effectFreeStatesRunInOneTransition_withChainedEvents() throws {
    var run = try MachineRun("""
      StartAt: A
      States:
        A: {Type: Pass, Result: {n: 3}, Next: C}
        C:
          Type: Choice
          Choices: [{Variable: $.n, NumericGreaterThan: 2, Next: Big}]
          Default: Small
        Big: {Type: Succeed}
        Small: {Type: Fail, Error: TooSmall}
      """)
    #expect(run.handle(.proceed).output == ["n": 3])
    #expect(run.types == ["PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
                          "SucceedStateEntered", "SucceedStateExited"])
    #expect(run.events.map(\.id) == Array(2...7))
    #expect(run.events.map(\.previousId) == Array(1...6))
  }

  @Test func waitSleepsUntilItsTime_andResumesWithTheSameDeadline() throws {
    var run = try MachineRun("StartAt: W\nStates: {W: {Type: Wait, Seconds: 5, End: true}}", input: ["v": 1])
    #expect(run.handle(.proceed).sleepUntil == 1_005)
    run.now = 1_003
    var resumed = try run.restarted()
    #expect(resumed.handle(.proceed).sleepUntil == 1_005, "a resumed wait keeps its deadline")
    resumed.now = 1_005
    #expect(resumed.handle(.timerFired).output == ["v": 1])
    #expect(resumed.events.last?.type == .waitStateExited)
    #expect(resumed.events.last?.timestamp == 1_005)
  }

  @Test func hostileNumbersFromPathsAreRuntimeErrors() throws {
    let cases: [(String, JSONValue)] = [
      ("W: {Type: Wait, SecondsPath: $.n, End: true}", ["n": .int(Int.max)]),
      ("W: {Type: Wait, SecondsPath: $.n, End: true}", ["n": 1e300]),
      ("W: {Type: Task, Resource: flow:echo, TimeoutSecondsPath: $.n, End: true}", ["n": .int(Int.max)]),
      ("W: {Type: Map, ItemsPath: $.items, ToleratedFailurePercentagePath: $.n, ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}, End: true}",
       ["n": 1e300, "items": [1]]),
      ("W: {Type: Map, ItemsPath: $.items, MaxConcurrencyPath: $.n, ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}, End: true}",
       ["n": 1e300, "items": [1]]),
    ]
    for (state, input) in cases {
      var run = try MachineRun("StartAt: W\nStates:\n  \(state)", input: input)
      let failure = run.handle(.proceed).failure
      #expect(failure?.error == "States.Runtime", "\(state): \(String(describing: failure))")
    }
  }

  @Test func anInterruptedAttemptRunsAgainWithTheNextNumberAndTheSameKey() throws {
    var run = try MachineRun("StartAt: T\nStates: {T: {Type: Task, Resource: flow:echo, End: true}}")
    let first = try #require(run.handle(.proceed).call)
    var resumed = try run.restarted()
    let second = try #require(resumed.handle(.proceed).call)
    #expect(second.attempt == 2)
    #expect(second.idempotencyKey == first.idempotencyKey)
    #expect(resumed.events.last?.flow["afterInterruption"] == true)
  }

  @Test func aCallbackTaskWhoseStepReturnedOnlyAwaitsItsToken_evenAfterACrash() throws {
    var run = try MachineRun("""
      StartAt: Approve
      States:
        Approve: {Type: Task, Resource: flow:echo.waitForTaskToken, Parameters: {"t.$": $$.Task.Token}, TimeoutSeconds: 60, HeartbeatSeconds: 5, End: true}
      """)
    let call = try #require(run.handle(.proceed).call)
    let token = try #require(call.token)
    #expect(call.newToken)
    #expect(call.parameters == ["t": .string(token)])
    #expect(call.deadline == 1_060)
    #expect(call.heartbeatSeconds == 5)
    #expect(run.handle(.taskInvoked) == .awaitToken(token: token, deadline: 1_060, heartbeat: 5))
    var resumed = try run.restarted()
    #expect(resumed.handle(.proceed) == .awaitToken(token: token, deadline: 1_060, heartbeat: 5), "the step must not run again")
    #expect(resumed.handle(.taskSucceeded(["ok": true])).output == ["ok": true])
  }

  @Test func mapFansOutWithItsConcurrencyAndTolerance() throws {
    var run = try MachineRun("""
      StartAt: M
      States:
        M:
          Type: Map
          MaxConcurrency: 2
          ToleratedFailurePercentage: 50
          ItemSelector: {"i.$": $$.Map.Item.Index}
          ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
          End: true
      """, input: ["a", "b", "c", "d"])
    let batch = try #require(run.handle(.proceed).batch)
    #expect(batch.maxConcurrency == 2)
    #expect(batch.toleratedFailures == 2)
    #expect(batch.children.map(\.input) == [["i": 0], ["i": 1], ["i": 2], ["i": 3]])
    #expect(batch.children.map(\.iteration?.index) == [0, 1, 2, 3])
    #expect(batch.parentEvent == run.events.last?.id)
    // Resumed while the iterations run: the same children, under the same MapStateStarted.
    var resumed = try run.restarted()
    #expect(resumed.handle(.proceed).batch == batch)
    #expect(resumed.events.isEmpty)
    #expect(run.handle(.childrenFinished(.success([1, 2, 3, 4]))).output == [1, 2, 3, 4])
    #expect(run.types.suffix(2) == ["MapStateSucceeded", "MapStateExited"])
  }

  @Test func aFailedParallelFailsTheStateWithItsBranchError() throws {
    var run = try MachineRun("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches:
            - {StartAt: A, States: {A: {Type: Pass, End: true}}}
            - {StartAt: B, States: {B: {Type: Pass, End: true}}}
          End: true
      """)
    #expect(run.handle(.proceed).batch?.toleratedFailures == nil)
    let effect = run.handle(.childrenFinished(.failure(StepFailure("Bad", cause: "broken"))))
    #expect(effect.failure == StepFailure("Bad", cause: "broken"))
    #expect(run.types.last == "ParallelStateFailed")
  }

  @Test func anEndlessLoopFailsTheExecutionAtItsHistoryLimit() throws {
    var run = try MachineRun("""
      StartAt: A
      States:
        A: {Type: Pass, Next: B}
        B: {Type: Choice, Choices: [{Variable: $.stop, IsPresent: true, Next: Done}], Default: A}
        Done: {Type: Succeed}
      """)
    run.historyLimit = 1_000
    var effect = run.handle(.proceed)
    var rounds = 0
    while effect == .yield, rounds < 100 {
      effect = run.handle(.proceed)
      rounds += 1
    }
    guard case .failExecution(let failure) = effect else {
      Issue.record("expected the execution to fail, got \(effect)")
      return
    }
    #expect(failure.error == "States.Runtime")
    #expect(failure.cause.contains("1000 history events"))
    #expect(run.events.count <= 1_000 + 4)
  }
}

@Suite struct FanOutTests {
  @Test func launchesUpToTheLimit_andOneMoreAsEachEnds() {
    var fan = FanOut(count: 4, maxConcurrency: 2, toleratedFailures: nil)
    #expect(fan.start() == .launch([0, 1]))
    #expect(fan.childEnded(1, .success("b")) == .launch([2]))
    #expect(fan.childEnded(0, .success("a")) == .launch([3]))
    #expect(fan.childEnded(3, .success("d")) == .launch([]))
    #expect(fan.childEnded(2, .success("c")) == .succeeded(["a", "b", "c", "d"]))
  }

  @Test func failsAtTheFirstFailureWithoutTolerance() {
    var fan = FanOut(count: 3, maxConcurrency: 0, toleratedFailures: nil)
    #expect(fan.start() == .launch([0, 1, 2]))
    #expect(fan.childEnded(2, .failure(StepFailure("E", cause: "c"))) == .failed(StepFailure("E", cause: "c")))
  }

  @Test func toleratesFailuresUpToTheThreshold() {
    var fan = FanOut(count: 3, maxConcurrency: 0, toleratedFailures: 1)
    _ = fan.start()
    #expect(fan.childEnded(0, .failure(StepFailure("E", cause: "c"))) == .launch([]))
    #expect(fan.childEnded(1, .success(1)) == .launch([]))
    #expect(fan.childEnded(2, .success(2)) == .succeeded([["Error": "E", "Cause": "c"], 1, 2]))
    var strict = FanOut(count: 3, maxConcurrency: 0, toleratedFailures: 1)
    _ = strict.start()
    _ = strict.childEnded(0, .failure(StepFailure("E", cause: "c")))
    #expect(strict.childEnded(1, .failure(StepFailure("E", cause: "c")))
      == .failed(StepFailure("States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded")))
  }

  @Test func anEmptyFanOutSucceedsAtOnce() {
    var fan = FanOut(count: 0, maxConcurrency: 0, toleratedFailures: nil)
    #expect(fan.start() == .succeeded([]))
  }
}
