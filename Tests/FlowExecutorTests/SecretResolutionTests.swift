import FlowCore
import FlowExecutor
import FlowTesting
import Foundation
import Testing

/// Secret references are resolved by the driver for the step only: the history keeps the reference, the step gets
/// the value, and what the step returns is masked.
@Suite struct SecretResolutionTests {
  @Test func stepGetsTheValue_historyKeepsTheReference_outputIsMasked() async throws {
    var harness = try Harness()
    let step = ScriptedStep(otherwise: .echo)
    harness.steps.register("test:script", step)
    var options = ExecutorOptions(artifactsRoot: harness.directory)
    options.clock = harness.clock
    options.logger.logLevel = .critical
    options.secrets = SecretResolver(environment: ["FLOW_SECRET_TOKEN": "tok-98765"])
    let executor = Executor(store: harness.store, steps: harness.steps, loader: .init(knownResources: Set(harness.steps.resources)),
                            options: options)
    let record = try await harness.run("""
      StartAt: Call
      States:
        Call: {Type: Task, Resource: test:script, Parameters: {Auth: {Secret: token}, 'Key.$': $.key}, End: true}
      """, input: ["key": ["Secret": "token"]], executor: executor)
    #expect(record.status == .succeeded)
    #expect(step.calls.map(\.input) == [["Auth": "tok-98765", "Key": "tok-98765"]])
    #expect(record.output == ["Auth": "***", "Key": "***"])
    let history = try harness.events(record.id).map { JSONValue.object($0.details).serialized() }.joined()
    #expect(history.contains("\"Secret\"") && !history.contains("tok-98765"))
  }

  @Test func unknownSecret_failsTheTask_withSecretNotFound() async throws {
    var harness = try Harness()
    harness.steps.register("test:script", ScriptedStep(otherwise: .echo))
    let record = try await harness.run("""
      StartAt: Call
      States:
        Call: {Type: Task, Resource: test:script, Parameters: {Auth: {Secret: flow-test-no-such-secret}}, End: true}
      """)
    #expect(record.status == .failed)
    #expect(record.error == "Flow.SecretNotFound")
  }
}
