import FlowCore
import FlowDefinition
@testable import FlowExecutor
import Testing

/// JSONata states through the pure transition core: `$states`, `Arguments`, `Output`, `Assign`, catchers, and
/// time and randomness taken from the transition's inputs.
@Suite struct ScopeMachineJSONataTests {
  @Test func taskArgumentsOutputAndAssign_seeInputResultAndContext() throws {
    var run = try MachineRun("""
      QueryLanguage: JSONata
      StartAt: T
      States:
        T:
          Type: Task
          Resource: flow:echo.waitForTaskToken
          Arguments: {n: "{% $states.input.n * 2 %}", token: "{% $states.context.Task.Token %}"}
          Assign: {got: "{% $states.result.v %}"}
          Output: {sum: "{% $states.input.n + $states.result.v %}"}
          End: true
      """, input: ["n": 3])
    let call = try #require(run.handle(.proceed).call)
    #expect(call.parameters == ["n": 6, "token": .string(call.token ?? "")])
    #expect(run.handle(.taskSucceeded(["v": 10])).output == ["sum": 13])
    #expect(run.machine.position.variables["got"] == 10)
  }

  @Test func nowAndRandomComeFromTheInputs() throws {
    var run = try MachineRun("""
      QueryLanguage: JSONata
      StartAt: P
      States:
        P: {Type: Pass, Output: {now: "{% $millis() %}", r: "{% $random() %}"}, End: true}
      """)
    run.now = 1_700_000_000
    run.random = 0.25
    #expect(run.handle(.proceed).output == ["now": 1_700_000_000_000, "r": 0.25])
  }

  @Test func anUndefinedResultIsAQueryEvaluationError_caughtWithItsErrorOutput() throws {
    var run = try MachineRun("""
      StartAt: T
      States:
        T:
          Type: Task
          QueryLanguage: JSONata
          Resource: flow:echo
          Output: {x: "{% $nothing %}"}
          Catch:
            - ErrorEquals: [States.QueryEvaluationError]
              Output: {caught: "{% $states.errorOutput.Error %}", input: "{% $states.input %}"}
              Next: Done
          End: true
        Done: {Type: Pass, End: true}
      """, input: ["a": 1])
    _ = run.handle(.proceed)
    #expect(run.handle(.taskSucceeded(["v": 1])).output == ["caught": "States.QueryEvaluationError", "input": ["a": 1]])
  }

  @Test func mapItemsMustBeAnArray() throws {
    var run = try MachineRun("""
      QueryLanguage: JSONata
      StartAt: M
      States:
        M:
          Type: Map
          Items: "{% $states.input.xs %}"
          ItemProcessor: {StartAt: P, States: {P: {Type: Pass, End: true}}}
          End: true
      """, input: ["xs": "no"])
    let failure = try #require(run.handle(.proceed).failure)
    #expect(failure.error == "States.QueryEvaluationError")
    #expect(failure.cause.hasSuffix("The JSONata expression '$states.input.xs' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'string' for value: \"no\""))
  }
}
