/// One concern checked across a whole ``PipelineDocument``: appends a diagnostic per problem, never stops early.
protocol Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic])
}

extension PipelineLoader {
  /// Every validator, in the order their diagnostics are most useful (they are sorted by position afterwards).
  func validators() -> [any Validator] {
    [
      StateNameValidator(),
      TransitionValidator(),
      ReachabilityValidator(),
      RetryValidator(),
      TaskResourceValidator(knownResources: knownResources, acceptsActivities: acceptsActivities),
      StepParametersValidator(schemas: parameterSchemas),
      LiteralSecretValidator(),
      TimeoutValidator(),
      WaitValidator(),
      MapSettingsValidator(),
      ScheduleValidator(),
    ]
  }
}
