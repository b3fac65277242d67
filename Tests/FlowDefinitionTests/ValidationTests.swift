import FlowCore
import Testing

@testable import FlowDefinition

@Suite struct ValidationTests {
  private func codes(_ text: String, path: String = "test.yaml") -> [String] {
    diagnostics(text, path: path).map { "\($0.severity == .error ? "E" : "W"):\($0.code)" }
  }

  @Test func collectsEveryProblemInsteadOfStoppingAtTheFirst() {
    let found = errors("""
      StartAt: A
      States:
        A: {Type: Pass, Next: B, Nxt: C}
        B: {Type: Task, Resource: flow:ecko, TimeoutSeconds: zero, End: true}
        C: {Type: Wait, End: true}
      """)
    #expect(Set(found.map(\.code.rawValue)) == ["unknown-field", "unknown-resource", "wrong-type", "missing-field"])
  }

  @Test func rendersDiagnosticsLikeACompiler() throws {
    let found = try #require(errors("StartAt: A\nStates:\n  A: {Type: Pass, Next: Evalute}\n  Evaluate: {Type: Succeed}",
                                    path: "pipelines/x.yaml").first)
    #expect(found.rendered == "pipelines/x.yaml:3:25: error: [unknown-state] 'Next' names 'Evalute', which is not defined (did you mean 'Evaluate'?)")
    let error = DefinitionError(diagnostics: [found, found])
    #expect(error.description == found.rendered + "\n" + found.rendered)
  }

  @Test func loadThrowsOnlyErrorsAndDropsWarnings() throws {
    let text = "StartAt: A\nStates:\n  A: {Type: Task, Resource: flow:echo, End: true}\n  B: {Type: Succeed}"
    #expect(codes(text) == ["W:unreachable-state"])
    _ = try load(text)
  }

  @Test func anUnmappedAWSResourceIsAnErrorWithAHint() throws {
    let found = errors("""
      StartAt: A
      States:
        A: {Type: Task, Resource: 'arn:aws:lambda:us-east-1:1:function:score', Next: B}
        B: {Type: Task, Resource: 'arn:aws:states:::lambda:invoke', Parameters: {FunctionName: train}, Next: C}
        C: {Type: Task, Resource: 'arn:aws:states:us-east-1:1:activity:approve', Next: D}
        D: {Type: Task, Resource: 'arn:aws:states:::sns:publish', End: true}
      """)
    #expect(found.map(\.code.description) == Array(repeating: "unregistered-resource", count: 4))
    #expect(found[0].message.contains("'arn:aws:lambda:us-east-1:1:function:score' is not mapped to a local program"))
    #expect(found[0].hint?.contains("Flow: {Resources:") == true)
    #expect(found[1].message.contains("the function 'train' is not mapped"))
    #expect(found[1].location?.line == 4)
  }

  @Test func awsResourcesMappedInTheFlowBlockValidate() throws {
    let text = """
      Flow:
        Resources:
          score: {Command: [cat]}
          'arn:aws:lambda:us-east-1:1:function:train': {Command: [cat], Env: {A: b}}
          'arn:aws:states:us-east-1:1:activity:approve': {Command: 'cat'}
      StartAt: A
      States:
        A: {Type: Task, Resource: 'arn:aws:lambda:us-east-1:1:function:score:prod', Next: B}
        B: {Type: Task, Resource: 'arn:aws:states:::lambda:invoke', Parameters: {FunctionName: train, Payload.$: $}, Next: C}
        C: {Type: Task, Resource: 'arn:aws:states:::lambda:invoke', Parameters: {FunctionName.$: $.f}, Next: D}
        D: {Type: Task, Resource: 'arn:aws:states:us-east-1:1:activity:approve', End: true}
      """
    #expect(codes(text) == [])
    #expect(errors("Flow: {Resources: {f: {Comand: [cat]}}}\nStartAt: A\nStates: {A: {Type: Succeed}}").count == 2)
  }

  @Test func catchTargetsAndChoiceDefaultsMustExist() {
    let found = errors("""
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:echo
          Catch: [{ErrorEquals: [States.ALL], Next: Recovr}]
          Next: C
        C: {Type: Choice, Choices: [{Variable: $.x, IsNull: true, Next: Recover}], Default: Nowhere}
        Recover: {Type: Succeed}
      """)
    #expect(found.map(\.code) == [.unknownState, .unknownState])
    #expect(found.first?.hint == "did you mean 'Recover'?")
    #expect(found.first?.message.hasPrefix("'Catch.Next'") == true)
    #expect(found.last?.message.hasPrefix("'Default'") == true)
  }

  @Test func branchesAndProcessorsAreSeparateScopes() {
    let found = errors("""
      StartAt: M
      States:
        M:
          Type: Map
          ItemProcessor:
            StartAt: Missing
            States:
              I: {Type: Pass, Next: Outside}
          Next: Outside
        Outside: {Type: Succeed}
      """)
    #expect(found.map(\.code) == [.unknownState, .unknownState])
  }

  @Test func warnsAboutUnreachableStatesInEveryScope() {
    let found = diagnostics("""
      StartAt: P
      States:
        P:
          Type: Parallel
          Branches: [{StartAt: A, States: {A: {Type: Succeed}, Orphan: {Type: Succeed}}}]
          End: true
        Lonely: {Type: Succeed}
      """)
    #expect(found.map(\.code) == [.unreachableState, .unreachableState])
    #expect(found.allSatisfy { $0.severity == .warning })
  }

  @Test func aLoopWithAnExitIsFine() throws {
    _ = try load("""
      StartAt: Poll
      States:
        Poll: {Type: Wait, Seconds: 1, Next: Done?}
        Done?: {Type: Choice, Choices: [{Variable: $.done, BooleanEquals: true, Next: Finish}], Default: Poll}
        Finish: {Type: Succeed}
      """)
  }

  @Test(arguments: [
    ("IntervalSeconds: 0", "invalid-retry"), ("MaxAttempts: -1", "invalid-retry"), ("BackoffRate: 0.9", "invalid-retry"),
    ("MaxDelaySeconds: 0", "invalid-retry"), ("JitterStrategy: SOME", "invalid-value"), ("IntervalSeconds: 1.5", "wrong-type"),
    ("Interval: 1", "unknown-field"),
  ])
  func checksRetryValues(_ field: String, _ code: String) {
    let found = errors(singleState("Type: Task\nResource: flow:echo\nRetry: [{ErrorEquals: [E], \(field)}]\nNext: Done"))
    #expect(found.map(\.code.rawValue) == [code])
  }

  @Test func statesAllMustBeAloneAndLast() {
    let found = errors(singleState("""
      Type: Task
      Resource: flow:echo
      Retry: [{ErrorEquals: [States.ALL, Custom]}, {ErrorEquals: [Other]}]
      Next: Done
      """))
    #expect(found.map(\.code) == [.statesAllPosition, .statesAllPosition])
  }

  @Test(arguments: [
    ("TimeoutSeconds: 0", "invalid-timeout"), ("HeartbeatSeconds: 0", "invalid-timeout"),
    ("TimeoutSeconds: 5\nHeartbeatSeconds: 10", "invalid-timeout"), ("TimeoutSeconds: 5\nTimeoutSecondsPath: $.t", "conflicting-fields"),
    ("TimeoutSecondsPath: $$$", "invalid-path"),
  ])
  func checksTaskTimeouts(_ fields: String, _ code: String) {
    let found = errors(singleState("Type: Task\nResource: flow:echo\n\(fields)\nNext: Done"))
    #expect(found.map(\.code.rawValue) == [code])
  }

  @Test func topLevelTimeoutMustBePositive() {
    #expect(errors("TimeoutSeconds: 0\nStartAt: S\nStates: {S: {Type: Succeed}}").map(\.code) == [.invalidTimeout])
  }

  @Test func resourcesWithSuffixesMatchTheirBaseName() {
    #expect(errors(singleState("Type: Task\nResource: flow:echo.sync\nNext: Done")).isEmpty)
    let unknown = errors(singleState("Type: Task\nResource: flow:nothing\nNext: Done"))
    #expect(unknown.first?.hint?.contains("flow:echo") == true)
  }

  @Test(arguments: [
    ("Type: Choice\nChoices: [{Variable: $.x, NumericEquals: '1', Next: Done}]", "wrong-type"),
    ("Type: Choice\nChoices: [{Variable: $.x, StringEquals: a, NumericEquals: 1, Next: Done}]", "conflicting-fields"),
    ("Type: Choice\nChoices: [{Variable: $.x, Next: Done}]", "missing-field"),
    ("Type: Choice\nChoices: [{StringEquals: a, Next: Done}]", "missing-field"),
    ("Type: Choice\nChoices: [{Variable: $.x, StringEqual: a, Next: Done}]", "unknown-field"),
    ("Type: Choice\nChoices: [{Variable: $.x, TimestampEquals: '2025-13-01T00:00:00Z', Next: Done}]", "invalid-timestamp"),
    ("Type: Choice\nChoices: [{Variable: $.x, IsNull: 'yes', Next: Done}]", "wrong-type"),
    ("Type: Choice\nChoices: [{And: [], Next: Done}]", "missing-field"),
    ("Type: Choice\nChoices: [{Condition: '{% true %}', Next: Done}]", "query-language-mismatch"),
    ("Type: Choice\nQueryLanguage: JSONata\nChoices: [{Variable: $.x, IsNull: true, Next: Done}]", "query-language-mismatch"),
    ("Type: Choice\nQueryLanguage: JSONata\nChoices: [{Condition: '{% $states.input.x = %}', Next: Done}]", "invalid-jsonata"),
    ("Type: Choice\nChoices: [{Variable: 'x', IsNull: true, Next: Done}]", "invalid-path"),
    ("Type: Choice\nChoices: [{Variable: $.x, StringMatchesPath: $.p, Next: Done}]", "unknown-field"),
    ("Type: Choice\nDefault: Done", "empty-choice"),
    ("Type: Choice\nChoices: [{Variable: $.x, IsNull: true, Next: Done}]\nNext: Done", "field-not-allowed"),
  ])
  func checksChoiceRules(_ fields: String, _ code: String) {
    let found = errors(singleState(fields))
    #expect(found.map(\.code.rawValue).contains(code), "\(found.map(\.rendered))")
  }

  @Test(arguments: [
    ("Type: Pass\nOutput: {}\nNext: Done", "query-language-mismatch"),
    ("Type: Pass\nQueryLanguage: JSONata\nParameters: {}\nNext: Done", "query-language-mismatch"),
    ("Type: Pass\nQueryLanguage: JSONata\nOutput: '{% ( %}'\nNext: Done", "invalid-jsonata"),
    ("Type: Task\nQueryLanguage: JSONata\nResource: flow:exec\nInputPath: $\nNext: Done", "query-language-mismatch"),
    ("Type: Pass\nQueryLanguage: Jsonata\nNext: Done", "invalid-value"),
    ("Type: Succeed\nAssign: {a: 1}", "field-not-allowed"),
    ("Type: Fail\nError: E\nErrorPath: $.e", "conflicting-fields"),
    ("Type: Fail\nInputPath: $", "field-not-allowed"),
    ("Type: Wait\nNext: Done", "missing-field"),
    ("Type: Wait\nSeconds: -1\nNext: Done", "invalid-value"),
    ("Type: Pass\nEnd: false", "invalid-value"),
    ("Type: Pass\nNext: 3", "wrong-type"),
    ("Type: Pass\nResultSelector: {}\nNext: Done", "field-not-allowed"),
    ("Type: Pass\nAssign: [1]\nNext: Done", "wrong-type"),
    ("Type: Pass\nOutputPath: 3\nNext: Done", "wrong-type"),
    ("Type: Task\nNext: Done", "missing-field"),
    ("Type: Parallel\nBranches: []\nNext: Done", "missing-field"),
    ("Type: Parallel\nBranches: [{StartAt: A, States: {A: {Type: Succeed}}, Extra: 1}]\nNext: Done", "unknown-field"),
    ("Type: Map\nNext: Done", "missing-field"),
    ("Type: Map\nItemSelector: {}\nParameters: {}\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "conflicting-fields"),
    ("Type: Map\nMaxConcurrency: -1\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "invalid-value"),
    ("Type: Map\nItemReader: {Parameters: {}}\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "missing-field"),
    ("Type: Map\nItemReader: {Parameters: {Path: a.csv}, ReaderConfig: {InputType: XML}}\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "invalid-value"),
    ("Type: Map\nItemReader: {Parameters: {Path: a.csv}, ReaderConfig: {CSVHeaderLocation: GIVEN}}\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "missing-field"),
    ("Type: Map\nItemBatcher: {BatchInput: {}}\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}}\nNext: Done", "missing-field"),
    ("Type: Map\nItemProcessor: {StartAt: I, States: {I: {Type: Succeed}}, ProcessorConfig: {Mode: LOCAL}}\nNext: Done", "invalid-value"),
  ])
  func checksStateFields(_ fields: String, _ code: String) {
    let found = errors(singleState(fields))
    #expect(found.map(\.code.rawValue).contains(code), "\(found.map(\.rendered))")
  }

  @Test func checksTheTopLevel() {
    #expect(errors("States: {S: {Type: Succeed}}").map(\.code) == [.missingField])
    #expect(errors("StartAt: S\nStates: {}").map(\.code).contains(.missingField))
    #expect(errors("- a\n- b").map(\.code).contains(.wrongType))
    #expect(errors("Version: '2.0'\nStartAt: S\nStates: {S: {Type: Succeed}}").map(\.code) == [.invalidValue])
    #expect(errors("StartAt: S\nStates: {S: {Type: Succeed}}\nStates2: {}").first?.hint == "did you mean 'States'?")
    #expect(errors("Flow: {Name: 3}\nStartAt: S\nStates: {S: {Type: Succeed}}").map(\.code) == [.wrongType])
    #expect(errors("Flow: {Schedule: daily}\nStartAt: S\nStates: {S: {Type: Succeed}}").map(\.code) == [.wrongType])
  }

  @Test func reportsUnreadableFiles() {
    let found = testLoader.check(fileAt: "/nonexistent/pipeline.yaml")
    #expect(found.map(\.code) == [.unreadableFile])
    #expect(throws: DefinitionError.self) { try testLoader.load(fileAt: "/nonexistent/pipeline.yaml") }
  }
}
