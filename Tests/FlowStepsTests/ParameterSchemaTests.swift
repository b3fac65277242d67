import FlowCore
import Foundation
import Testing

@testable import FlowSteps

/// The parameter schemas `flow validate` checks against name exactly what each step accepts when it runs.
@Suite struct ParameterSchemaTests {
  @Test func schemasNameTheParametersEachStepReads() {
    let schemas = StepRegistry.parameterSchemas
    let fields: [String: [String]] = [
      "flow:exec": Array(ExecSpec.fields), "flow:process": ProcessStep.fields, "flow:train": TrainStep.fields,
      "flow:tune": TuningJob.fields, "flow:evaluate": EvaluateStep.fields, "flow:register": RegisterStep.fields,
      "flow:deploy": DeployStep.fields, "flow:transform": TransformStep.fields, "flow:monitor": MonitorStep.fields,
    ]
    #expect(Set(schemas.keys) == Set(fields.keys))
    for (resource, names) in fields {
      #expect(Set(schemas[resource]?.names ?? []) == Set(names), "\(resource)")
      #expect(schemas[resource]?.names.count == names.count, "\(resource)")
    }
    #expect(Set(StepRegistry.mlResources + StepRegistry.builtIn.resources).subtracting(schemas.keys) == ["flow:echo"])
  }
}
