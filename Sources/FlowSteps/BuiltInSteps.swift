import FlowCore

extension StepRegistry {
  /// The built-in steps: `flow:echo` and `flow:exec`.
  public static var builtIn: StepRegistry {
    var registry = StepRegistry()
    registry.register("flow:echo", EchoStep())
    registry.register("flow:exec", ExecStep())
    return registry
  }
}
