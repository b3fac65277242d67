import FlowCore
import FlowTesting
import Foundation
import Testing

/// AWS resources mapped to local programs in `Flow.Resources`, run through the built binary.
@Suite struct MappedResourceTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory() }

  func flow(_ arguments: [String]) throws -> FlowBinary.Result { try FlowBinary.run(arguments + ["--store", "flow.db"], in: directory) }

  @Test func lambdaInvokeReturnsTheInvokeResultShape_andFunctionAndActivityARNsReturnTheirOutput() throws {
    try directory.write("""
      Flow:
        Resources:
          score: {Command: [sh, -c, 'read x; echo "{\\"in\\": $x, \\"state\\": \\"$FLOW_STATE\\"}"']}
          'arn:aws:states:us-east-1:123456789012:activity:approve': {Command: [sh, -c, 'echo "{\\"approved\\": true}"']}
      StartAt: Invoke
      States:
        Invoke:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Parameters: {FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:score:$LATEST', Payload: {n: 1}}
          ResultSelector: {x.$: $.Payload, status.$: $.StatusCode, version.$: $.ExecutedVersion}
          ResultPath: $.invoke
          Next: Direct
        Direct:
          Type: Task
          Resource: arn:aws:lambda:us-east-1:123456789012:function:score
          ResultPath: $.direct
          Next: Approve
        Approve:
          Type: Task
          Resource: arn:aws:states:us-east-1:123456789012:activity:approve
          ResultPath: $.approval
          End: true
      """, to: "p.yaml")
    let run = try flow(["run", "p.yaml", "--json", "--input", #"{"k": 2}"#])
    #expect(run.json?["status"] == "SUCCEEDED", "\(run.stdout)\(run.stderr)")
    let output = run.json?["output"]
    #expect(output?["invoke"] == ["x": ["in": ["n": 1], "state": "Invoke"], "status": 200, "version": "$LATEST"])
    #expect(output?["direct"]?["in"]?["k"] == 2)
    #expect(output?["direct"]?["state"] == "Direct")
    #expect(output?["approval"] == ["approved": true])
  }

  @Test func anUnmappedFunctionIsAValidationError() throws {
    try directory.write("""
      StartAt: Invoke
      States:
        Invoke: {Type: Task, Resource: arn:aws:states:::lambda:invoke, Parameters: {FunctionName: score}, End: true}
      """, to: "p.yaml")
    let check = try FlowBinary.run(["validate", "p.yaml"], in: directory)
    #expect(check.status != 0)
    #expect((check.stdout + check.stderr).contains("the function 'score' is not mapped to a local program"))
    let run = try flow(["run", "p.yaml"])
    #expect(run.status != 0 && run.status != 1, "a validation failure, not a failed run")
  }
}
