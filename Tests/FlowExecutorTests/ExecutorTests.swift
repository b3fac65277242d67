import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation
import Testing

@Suite struct ExecutorTests {
  @Test func runsAChainOfStates_andRecordsStepFunctionsHistory() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: Prepare
      States:
        Prepare: {Type: Pass, Result: {n: 3}, ResultPath: $.config, Next: Work}
        Work: {Type: Task, Resource: "test:count", Parameters: {"n.$": $.config.n}, ResultPath: $.work, Next: Check}
        Check:
          Type: Choice
          Choices: [{Variable: $.work.n, NumericGreaterThan: 2, Next: Big}]
          Default: Small
        Big: {Type: Succeed}
        Small: {Type: Fail, Error: TooSmall}
      """, input: ["x": 1])
    #expect(done.status == .succeeded)
    #expect(done.output == ["x": 1, "config": ["n": 3], "work": ["n": 3]])
    let types = try h.events(done.id).map(\.type.rawValue)
    #expect(types == [
      "ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted",
      "TaskSucceeded", "TaskStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered",
      "SucceedStateExited", "ExecutionSucceeded",
    ])
    let events = try h.events(done.id)
    #expect(events.map(\.id) == Array(1...events.count))
    #expect(events.dropFirst().allSatisfy { $0.previousId < $0.id && $0.previousId > 0 })
    #expect(h.calls.count("Work") == 1)
  }

  @Test func retriesWithBackoff_thenSucceeds() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: T
      States:
        T:
          Type: Task
          Resource: "test:flaky"
          Parameters: {name: t, failures: 2, error: Boom}
          Retry: [{ErrorEquals: [Boom], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1, JitterStrategy: FULL}]
          End: true
      """)
    #expect(done.status == .succeeded)
    #expect(done.output == ["name": "t", "calls": 3])
    #expect(h.calls.attempts("t") == [1, 2, 3])
    // Step Functions records a retry as the failure and the next TaskScheduled, after the back-off.
    let events = try h.events(done.id)
    #expect(events.filter { $0.type == .taskFailed }.count == 2)
    let scheduled = events.filter { $0.type == .taskScheduled }.map(\.timestamp)
    #expect(scheduled.count == 3)
    for (before, after) in zip(scheduled, scheduled.dropFirst()) { #expect(after - before >= 0 && after - before <= 1) }
  }

  @Test func catchesWhenRetriesAreExhausted() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: T
      States:
        T:
          Type: Task
          Resource: "test:flaky"
          Parameters: {name: t, failures: 5, error: Boom}
          Retry: [{ErrorEquals: [Boom], IntervalSeconds: 1, MaxAttempts: 1, JitterStrategy: FULL}]
          Catch: [{ErrorEquals: [States.ALL], ResultPath: $.error, Next: Recovered}]
          End: true
        Recovered: {Type: Pass, End: true}
      """, input: ["keep": true])
    #expect(done.status == .succeeded)
    #expect(done.output == ["keep": true, "error": ["Error": "Boom", "Cause": "call 2 fails"]])
    #expect(h.calls.count("t") == 2)
  }

  @Test func parallelKeepsBranchOrder_andMapKeepsItemOrder() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches:
            - {StartAt: A, States: {A: {Type: Task, Resource: "test:count", Parameters: {v: a}, OutputPath: $.v, End: true}}}
            - {StartAt: B, States: {B: {Type: Pass, Result: b, End: true}}}
          ResultPath: $.branches
          Next: M
        M:
          Type: Map
          ItemsPath: $.items
          MaxConcurrency: 2
          ItemProcessor:
            StartAt: Double
            States:
              Double: {Type: Pass, Parameters: {"v.$": "States.MathAdd($.v, $.v)"}, End: true}
          ItemSelector: {"v.$": $$.Map.Item.Value}
          ResultPath: $.doubled
          End: true
      """, input: ["items": [1, 2, 3, 4, 5]])
    #expect(done.status == .succeeded)
    #expect(done.output?["branches"] == ["a", "b"])
    #expect(done.output?["doubled"] == [["v": 2], ["v": 4], ["v": 6], ["v": 8], ["v": 10]])
  }

  @Test func aFailingBranchFailsTheExecutionWithItsError() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches:
            - {StartAt: A, States: {A: {Type: Fail, Error: Bad, Cause: broken}}}
            - {StartAt: B, States: {B: {Type: Pass, End: true}}}
          End: true
      """)
    #expect(done.status == .failed)
    #expect(done.error == "Bad")
    #expect(done.cause == "broken")
  }

  @Test func mapToleratesFailuresUpToTheThreshold() async throws {
    let h = try Harness()
    let yaml = """
      StartAt: M
      States:
        M:
          Type: Map
          ToleratedFailureCount: 1
          ItemProcessor:
            StartAt: F
            States:
              F: {Type: Task, Resource: "test:flaky", End: true}
          End: true
      """
    let tolerated = try await h.run(yaml, input: [["name": "a", "failures": 0], ["name": "b", "failures": 1]])
    #expect(tolerated.status == .succeeded)
    #expect(tolerated.output == [["name": "a", "calls": 1], ["Error": "Flaky", "Cause": "call 1 fails"]])
    let exceeded = try await h.run(yaml, input: [["name": "c", "failures": 1], ["name": "d", "failures": 1]])
    #expect(exceeded.status == .failed)
    #expect(exceeded.error == "States.ExceedToleratedFailureThreshold")
  }

  @Test func assignedVariablesAreVisibleFromTheNextState_andInsideMapIterations() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: A
      States:
        A: {Type: Pass, Result: {k: 2}, ResultPath: null, Assign: {"factor.$": $.k}, Next: M}
        M:
          Type: Map
          ItemProcessor:
            StartAt: Mul
            States:
              Mul: {Type: Pass, Parameters: {"v.$": $, "f.$": $factor}, Assign: {factor: 100}, End: true}
          Next: After
        After: {Type: Pass, Parameters: {"results.$": $, "factor.$": $factor}, End: true}
      """, input: [1, 2])
    #expect(done.output == ["results": [["v": 1, "f": 2], ["v": 2, "f": 2]], "factor": 2])
  }

  @Test func failsWithDataLimitExceeded_whenAnOutputIsTooLarge() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: Big
      States:
        Big: {Type: Pass, Parameters: {"a.$": "States.ArrayRange(1, 999, 1)"}, End: true}
      """, executor: h.executor(payloadLimit: 200))
    #expect(done.status == .failed)
    #expect(done.error == "States.DataLimitExceeded")
  }

  @Test func taskTimeoutRaisesStatesTimeout_andIsCaught() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: Slow
      States:
        Slow:
          Type: Task
          Resource: "test:block"
          TimeoutSeconds: 1
          Catch: [{ErrorEquals: [States.Timeout], Next: TimedOut}]
          End: true
        TimedOut: {Type: Pass, Result: caught, End: true}
      """)
    #expect(done.output == "caught")
    #expect(try h.events(done.id).contains { $0.type == .taskTimedOut })
  }

  @Test func executionTimeoutEndsTheExecutionAsTimedOut() async throws {
    let h = try Harness()
    let done = try await h.run("""
      TimeoutSeconds: 1
      StartAt: W
      States:
        W: {Type: Wait, Seconds: 30, End: true}
      """)
    #expect(done.status == .timedOut)
    #expect(done.error == "States.Timeout")
    #expect(try h.events(done.id).last?.type == .executionTimedOut)
    let ended = try #require(try h.events(done.id).last).timestamp
    #expect(ended - done.startTime == 1, "ended \(ended - done.startTime) s after the start")
  }

  @Test func noMatchingChoiceFailsWithNoChoiceMatched() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: C
      States:
        C: {Type: Choice, Choices: [{Variable: $.x, IsPresent: true, Next: D}]}
        D: {Type: Succeed}
      """)
    #expect(done.error == "States.NoChoiceMatched")
  }

  @Test func unknownIdsAndFinishedExecutionsAreClearErrors() async throws {
    let h = try Harness()
    await #expect(throws: ExecutorError.self) { try await h.executor().run("no-such-execution") }
    let done = try await h.run("StartAt: A\nStates: {A: {Type: Pass, End: true}}")
    await #expect { try await h.executor().run(done.id) } throws: { error in
      String(describing: error).contains("already finished")
    }
  }
}

@Suite struct ItemReaderTests {
  @Test func readsItemsFromCSVAndJSONLinesFiles_andBatchesThem() async throws {
    let h = try Harness()
    try FileManager.default.createDirectory(at: h.directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: h.directory) }
    try "name,size\n\"a, quoted\",1\nb,2\nc,3\n".write(to: h.directory.appendingPathComponent("items.csv"), atomically: true, encoding: .utf8)
    try "{\"n\": 1}\n{\"n\": 2}\n\n{\"n\": 3}\n".write(to: h.directory.appendingPathComponent("items.jsonl"), atomically: true, encoding: .utf8)
    let csv = try await h.run("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemReader:
            ReaderConfig: {InputType: CSV, CSVHeaderLocation: FIRST_ROW}
            Parameters: {Path: \(h.directory.appendingPathComponent("items.csv").path)}
          ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
          End: true
      """)
    #expect(csv.output == [["name": "a, quoted", "size": "1"], ["name": "b", "size": "2"], ["name": "c", "size": "3"]])
    let lines = try await h.run("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemReader:
            ReaderConfig: {InputType: JSONL}
            Parameters: {"Path.$": $.file}
          ItemBatcher: {MaxItemsPerBatch: 2, BatchInput: {"tag.$": $.tag}}
          ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
          End: true
      """, input: ["file": .string(h.directory.appendingPathComponent("items.jsonl").path), "tag": "t"])
    #expect(lines.output == [["Items": [["n": 1], ["n": 2]], "BatchInput": ["tag": "t"]], ["Items": [["n": 3]], "BatchInput": ["tag": "t"]]])
  }

  @Test func aMissingItemsFileFailsWithItemReaderFailed() async throws {
    let h = try Harness()
    let done = try await h.run("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemReader: {ReaderConfig: {InputType: JSON}, Parameters: {Path: /nonexistent/items.json}}
          ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
          End: true
      """)
    #expect(done.error == "States.ItemReaderFailed")
    #expect(done.cause?.contains("/nonexistent/items.json") == true)
  }
}

@Suite struct CommitCountTests {
  /// Group commit's promise: a chain of tasks costs one commit per task (the commit that starts a task carries the
  /// previous one's result), and effect-free states add none.
  @Test func aChainOfTasksCostsOneCommitPerTask_andPassStatesNone() async throws {
    let h = try Harness()
    var states = ""
    for i in 0..<20 { states += "  T\(i): {Type: Task, Resource: \"test:count\", Next: P\(i)}\n  P\(i): {Type: Pass, Next: \(i == 19 ? "Done" : "T\(i + 1)")}\n" }
    let before = h.store.commits
    let done = try await h.run("StartAt: T0\nStates:\n\(states)  Done: {Type: Succeed}\n")
    #expect(done.status == .succeeded)
    // 20 task starts, and the final commit with the execution's end.
    #expect(h.store.commits - before == 21)
  }

  /// A new execution run without being stored first (``Executor/run(new:pipeline:onCreated:)``) is created by its
  /// first commit: for Pass and Choice states only, that is its one commit, carrying its whole history and its end.
  @Test func aNewExecutionOfPassStatesCostsOneCommit_whichCreatesIt() async throws {
    let h = try Harness()
    let flow = h.executor()
    let pipeline = try h.pipeline("""
      StartAt: A
      States:
        A: {Type: Pass, Result: 1, ResultPath: $.a, Next: B}
        B: {Type: Choice, Choices: [{Variable: $.a, NumericEquals: 1, Next: C}]}
        C: {Type: Pass, Result: 3, ResultPath: $.c, End: true}
      """)
    let new = try flow.prepare(pipeline, input: [:], name: "once")
    #expect(try h.store.execution(new.record.id) == nil)
    let reports = Locked<[String]>([])
    let done = try await flow.run(new: new, pipeline: pipeline) { error in
      reports.withLock { $0.append(error.map { "\($0)" } ?? "created") }
    }
    #expect(reports.value == ["created"])
    #expect(h.store.commits == 1)
    #expect(done.status == .succeeded)
    #expect(done.output == ["a": 1, "c": 3])
    #expect(try h.store.execution(new.record.id) == done)
    #expect(try h.events(done.id).map(\.type).first == .executionStarted)
    #expect(try h.events(done.id).last?.type == .executionSucceeded)
  }

  /// A new execution's creating commit does not wait for its end: in a long loop of Pass and Choice states it lands
  /// after the first few hundred transitions (the first yield, or the journal's automatic flush), and before a Map
  /// runs its iterations.
  @Test func aNewExecutionIsCreatedBeforeALongLoopOrAMapEnds() async throws {
    let h = try Harness()
    let flow = h.executor()
    let loop = try h.pipeline("""
      StartAt: Init
      States:
        Init: {Type: Pass, Result: 0, ResultPath: $.i, Next: Loop}
        Loop: {Type: Pass, Parameters: {"i.$": "States.MathAdd($.i, 1)"}, Next: Check}
        Check: {Type: Choice, Choices: [{Variable: $.i, NumericLessThan: 400, Next: Loop}], Default: Done}
        Done: {Type: Succeed}
      """)
    let map = try h.pipeline("""
      StartAt: M
      States:
        M: {Type: Map, ItemsPath: $.items, ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}, End: true}
      """)
    let runs: [(Pipeline, JSONValue)] = [(loop, .emptyObject), (map, ["items": [1, 2, 3]])]
    for (pipeline, input) in runs {
      let new = try flow.prepare(pipeline, input: input)
      let atCreation = Locked<[HistoryEvent]>([])
      let done = try await flow.run(new: new, pipeline: pipeline) { _ in
        atCreation.withLock { $0 = (try? h.store.events(of: new.record.id, after: 0)) ?? [] }
      }
      #expect(done.status == .succeeded)
      let all = try h.events(done.id)
      #expect(atCreation.value.first?.type == .executionStarted)
      #expect(atCreation.value.count < all.count / 2, "\(atCreation.value.count) of \(all.count) events at the creation")
      #expect(!atCreation.value.contains { $0.type == .mapIterationStarted || $0.type == .executionSucceeded })
    }
  }

  /// Nothing acts before the creating commit lands: a Task state first commits the new execution, then runs; a
  /// second new execution of the same name is refused by that commit, reported to `onCreated`, and never runs.
  @Test func aNewExecutionIsStoredBeforeItsFirstStep_andATakenNameRunsNothing() async throws {
    let h = try Harness()
    let flow = h.executor()
    let pipeline = try h.pipeline("StartAt: T\nStates: {T: {Type: Task, Resource: \"test:count\", Parameters: {name: t}, End: true}}")
    let first = try flow.prepare(pipeline, input: [:], name: "twin")
    let createdBeforeTheStep = Locked<Bool?>(nil)
    let done = try await flow.run(new: first, pipeline: pipeline) { error in
      createdBeforeTheStep.withLock { $0 = error == nil && h.calls.count("t") == 0 }
    }
    #expect(createdBeforeTheStep.value == true)
    #expect(done.status == .succeeded)
    #expect(h.calls.count("t") == 1)

    let second = try flow.prepare(pipeline, input: [:], name: "twin")
    let refusal = Locked<(any Error)?>(nil)
    await #expect(throws: (any Error).self) {
      _ = try await flow.run(new: second, pipeline: pipeline) { error in refusal.withLock { $0 = error } }
    }
    #expect((refusal.value as? StoreError)?.code == .constraint)
    #expect(try h.store.execution(second.record.id) == nil)
    #expect(h.calls.count("t") == 1)
  }
}
