import FlowCore
import FlowExpressions
import Testing

@testable import FlowDefinition

@Suite struct StateParsingTests {
  @Test func parsesPassWithAllItsFields() throws {
    let pipeline = try load(singleState("""
      Type: Pass
      Comment: hi
      InputPath: $.in
      Parameters: {a.$: $.x, b: 1}
      Result: {c.$: not evaluated}
      ResultPath: $.out
      OutputPath: null
      Assign: {count: 1, last.$: $.x}
      Next: Done
      """))
    let s = try state("S", in: pipeline)
    guard case .pass(let pass) = s.kind else { Issue.record("not a Pass"); return }
    #expect(pass.result == ["c.$": "not evaluated"])
    #expect(s.comment == "hi")
    #expect(s.transition == .next("Done"))
    #expect(s.inputPath == .path(try JSONPath("$.in")))
    #expect(s.outputPath == .null)
    #expect(s.resultPath == .path(try ReferencePath("$.out")))
    #expect(s.parameters?.template == ["a.$": "$.x", "b": 1])
    #expect(s.assign != nil)
    #expect(pipeline.machine.order == ["S", "Done"])
  }

  @Test func parsesTaskWithTimeoutsRetryAndCatch() throws {
    let pipeline = try load(singleState("""
      Type: Task
      Resource: flow:exec.waitForTaskToken
      TimeoutSecondsPath: $.timeout
      HeartbeatSeconds: 10
      Credentials: {RoleArn: arn:aws:iam::1:role/x}
      ResultSelector: {r.$: $.out}
      Retry:
        - ErrorEquals: [Custom, States.Timeout]
          IntervalSeconds: 2
          MaxAttempts: 0
          BackoffRate: 1
          MaxDelaySeconds: 5
          JitterStrategy: FULL
      Catch:
        - ErrorEquals: [States.ALL]
          ResultPath: null
          Assign: {failed: true}
          Next: Done
      End: true
      """))
    let s = try state("S", in: pipeline)
    guard case .task(let task) = s.kind else { Issue.record("not a Task"); return }
    #expect(task.waitsForTaskToken)
    #expect(task.timeout == .path(try JSONPath("$.timeout")))
    #expect(task.heartbeat == .value(10))
    #expect(task.credentials == ["RoleArn": "arn:aws:iam::1:role/x"])
    #expect(s.retry == [Retrier(errorEquals: ["Custom", "States.Timeout"], intervalSeconds: 2, maxAttempts: 0, backoffRate: 1,
                                maxDelaySeconds: 5, jitter: .full)])
    #expect(s.catchers.map(\.next) == ["Done"])
    #expect(s.catchers.first?.resultPath == .null)
    #expect(s.catchers.first?.assign != nil)
    #expect(s.transition == .end)
  }

  @Test func retrierDefaultsFollowTheSpecification() throws {
    let pipeline = try load(singleState("Type: Task\nResource: flow:echo\nRetry: [{ErrorEquals: [States.ALL]}]\nEnd: true"))
    #expect(try state("S", in: pipeline).retry == [Retrier(errorEquals: ["States.ALL"])])
  }

  @Test func parsesChoiceRulesIntoConditions() throws {
    let pipeline = try load("""
      StartAt: C
      States:
        C:
          Type: Choice
          Choices:
            - Variable: $.n
              NumericLessThanPath: $.max
              Assign: {picked: first}
              Next: A
            - Not: {Variable: $.s, StringMatches: "a*"}
              Next: A
          Default: A
        A: {Type: Succeed}
      """)
    guard case .choice(let choice) = try state("C", in: pipeline).kind else { Issue.record("not a Choice"); return }
    #expect(choice.defaultNext == "A")
    #expect(choice.choices.count == 2)
    #expect(choice.choices[0].assign != nil)
    guard case .compare(let variable, .numericLessThan, .path(let max)) = choice.choices[0].condition else {
      Issue.record("wrong condition \(choice.choices[0].condition)")
      return
    }
    #expect(variable.text == "$.n" && max.text == "$.max")
    guard case .not(.compare(_, .stringMatches, .value("a*"))) = choice.choices[1].condition else {
      Issue.record("wrong condition \(choice.choices[1].condition)")
      return
    }
  }

  @Test(arguments: [
    ("Seconds: 5", "seconds(5)"), ("SecondsPath: $.s", "secondsPath($.s)"),
    ("Timestamp: '2025-01-31T09:30:00+01:00'", "timestamp(\"2025-01-31T09:30:00+01:00\")"),
    ("TimestampPath: $.t", "timestampPath($.t)"),
  ])
  func parsesEachWaitDuration(_ field: String, _ expected: String) throws {
    let pipeline = try load(singleState("Type: Wait\n\(field)\nEnd: true"))
    guard case .wait(let wait) = try state("S", in: pipeline).kind else { Issue.record("not a Wait"); return }
    #expect("\(wait.duration)" == expected)
  }

  @Test func parsesFailWithLiteralsPathsAndIntrinsics() throws {
    let pipeline = try load("""
      StartAt: F
      States:
        F: {Type: Fail, ErrorPath: $.code, CausePath: "States.Format('bad {}', $.why)"}
      """)
    guard case .fail(let fail) = try state("F", in: pipeline).kind else { Issue.record("not a Fail"); return }
    #expect(fail.error == .path(try JSONPath("$.code")))
    #expect(fail.cause == .intrinsic(try IntrinsicFunction("States.Format('bad {}', $.why)")))
    let literal = try load("StartAt: F\nStates:\n  F: {Type: Fail, Error: E, Cause: C}")
    guard case .fail(let plain) = try state("F", in: literal).kind else { return }
    #expect(plain.error == .value("E") && plain.cause == .value("C"))
  }

  @Test func parsesParallelBranchesAsSeparateMachines() throws {
    let pipeline = try load("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Parameters: {x.$: $.x}
          Branches:
            - {StartAt: A, States: {A: {Type: Pass, End: true}}}
            - {StartAt: B, States: {B: {Type: Pass, Next: C}, C: {Type: Succeed}}}
          End: true
      """)
    let p = try state("P", in: pipeline)
    guard case .parallel(let parallel) = p.kind else { Issue.record("not a Parallel"); return }
    #expect(parallel.branches.map(\.startAt) == ["A", "B"])
    #expect(parallel.branches[1].order == ["B", "C"])
    #expect(p.parameters != nil)
  }

  @Test func parsesMapWithLegacyIteratorAndParameters() throws {
    let pipeline = try load("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemsPath: $.items
          Parameters: {v.$: $$.Map.Item.Value}
          MaxConcurrency: 3
          ToleratedFailureCount: 1
          Iterator: {StartAt: I, States: {I: {Type: Pass, End: true}}, ProcessorConfig: {Mode: INLINE}}
          End: true
      """)
    let m = try state("M", in: pipeline)
    guard case .map(let map) = m.kind else { Issue.record("not a Map"); return }
    #expect(map.itemsPath?.text == "$.items")
    #expect(map.itemSelector?.template == ["v.$": "$$.Map.Item.Value"])
    #expect(m.parameters == nil)
    #expect(map.processor.startAt == "I")
    #expect(map.processorConfig == ["Mode": "INLINE"])
    #expect(map.maxConcurrency == .value(3))
    #expect(map.toleratedFailureCount == .value(1))
  }

  @Test func readsItemReaderRelativeToThePipelineDirectory() throws {
    let pipeline = try load(try String(contentsOfFile: Fixtures.path("valid", "map-item-reader.yaml"), encoding: .utf8),
                            path: "/srv/pipelines/rows.yaml")
    guard case .map(let map) = try state("Score rows", in: pipeline).kind else { Issue.record("not a Map"); return }
    let reader = try #require(map.itemReader)
    #expect(reader.baseDirectory == "/srv/pipelines")
    #expect(reader.inputType == .csv)
    #expect(reader.csvHeaders == ["id", "text"])
    #expect(reader.maxItems == .value(100))
    #expect(reader.parameters.template == ["Path": "data/rows.csv"])
    #expect(map.itemBatcher?.maxItemsPerBatch == .value(10))
    #expect(map.toleratedFailurePercentage == .value(5))
    #expect(map.label == "ScoreRows")
    #expect(pipeline.name == "score-rows")
  }

  @Test func joinsDynamicBucketAndKeyWithAnIntrinsic() throws {
    let pipeline = try load(singleState("""
      Type: Map
      ItemReader:
        Parameters: {Bucket: "it's", Key.$: $.key}
      ItemProcessor: {StartAt: I, States: {I: {Type: Pass, End: true}}}
      End: true
      """))
    guard case .map(let map) = try state("S", in: pipeline).kind else { return }
    let template = try #require(map.itemReader?.parameters)
    let path = try template.evaluate(in: EvaluationScope(input: ["key": "rows.jsonl"]))
    #expect(path == ["Path": "it's/rows.jsonl"])
  }

  @Test func readsTheFlowBlock() throws {
    let pipeline = try load("""
      Flow:
        Name: nightly
        Parameters: {epochs: 3}
        Schedule: {Cron: "0 3 * * *", Overlap: skip, Timezone: Europe/Paris}
      StartAt: S
      States: {S: {Type: Succeed}}
      """, path: "dir/file.yaml")
    #expect(pipeline.name == "nightly")
    #expect(pipeline.parameters == ["epochs": 3])
    #expect(pipeline.schedule == ["Cron": "0 3 * * *", "Overlap": "skip", "Timezone": "Europe/Paris"])
    #expect(pipeline.path == "dir/file.yaml")
    #expect(pipeline.document["Flow"]?["Name"] == "nightly")
    let unnamed = try load("StartAt: S\nStates: {S: {Type: Succeed}}", path: "dir/my.pipeline.yaml")
    #expect(unnamed.name == "my.pipeline")
    #expect(unnamed.parameters.isEmpty && unnamed.schedule == nil)
  }

  @Test func parsesTheTopLevelFields() throws {
    let pipeline = try load("Comment: c\nTimeoutSeconds: 60\nVersion: '1.0'\nStartAt: S\nStates: {S: {Type: Succeed}}")
    #expect(pipeline.machine.comment == "c")
    #expect(pipeline.machine.timeoutSeconds == 60)
  }
}
