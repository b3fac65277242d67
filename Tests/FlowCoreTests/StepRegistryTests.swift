import FlowCore
import Testing

@Suite struct StepRegistryTests {
  struct Constant: Step {
    let value: JSONValue
    func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue { value }
  }

  @Test func resolvesIntegrationPatternSuffixes() {
    var registry = StepRegistry()
    registry.register("flow:echo", Constant(value: 1))
    #expect(registry.step(for: "flow:echo") != nil)
    #expect(registry.step(for: "flow:echo.waitForTaskToken") != nil)
    #expect(registry.step(for: "flow:echo.sync") != nil)
    #expect(registry.step(for: "flow:other") == nil)
    #expect(registry.resources == ["flow:echo"])
  }

  @Test func ordersErrorsOfExecutionsByStatus() {
    #expect(ExecutionStatus.running.isFinal == false)
    #expect(ExecutionStatus.allCases.filter(\.isFinal).count == 4)
  }
}
