import FlowCore
import FlowTraining

extension StepRegistry {
  /// What each built-in step takes in `Parameters`, by resource name, for `flow validate` (see ``ParameterSchema``).
  ///
  /// `flow:echo` takes anything and has none. Each step still checks its parameters when it runs, with the same
  /// names (a test keeps the two lists equal).
  public static var parameterSchemas: [String: ParameterSchema] {
    [
      "flow:exec": ParameterSchemas.exec, "flow:process": ParameterSchemas.process, "flow:train": ParameterSchemas.train,
      "flow:tune": ParameterSchemas.tune, "flow:evaluate": ParameterSchemas.evaluate, "flow:register": ParameterSchemas.register,
      "flow:deploy": ParameterSchemas.deploy, "flow:transform": ParameterSchemas.transform, "flow:monitor": ParameterSchemas.monitor,
    ]
  }
}

/// The schemas themselves; the names match each step's `fields`.
enum ParameterSchemas {
  typealias Field = ParameterSchema.Field

  static let exec = ParameterSchema([
    Field("Command", [.string, .array], required: true), Field("Input", .any), Field("Env", .object),
    Field("WorkingDirectory", .string), Field("ErrorName", .string), Field("MaxOutputBytes", .integer),
  ])

  static let process = ParameterSchema([
    Field("Source", .string, required: true), Field("Target", .string, required: true), Field("Schema", .object),
    Field("TestFraction", .number), Field("ValidationFraction", .number), Field("Seed", .integer), Field("Stratify", .boolean),
  ])

  private static let algorithms = Algorithm.allCases.map(\.rawValue)
  private static let tasks = ["classification", "regression"]

  static let train = ParameterSchema([
    Field("Dataset", .object, required: true), Field("Algorithm", .string, required: true, allowedValues: algorithms),
    Field("Hyperparameters", .object), Field("Features", .array), Field("Target", .string), Field("TrainOn", .array),
    Field("Preprocessing", .object), Field("Task", .string, allowedValues: tasks),
  ])

  static let tune = ParameterSchema(train.fields.filter { $0.name != "Hyperparameters" && $0.name != "TrainOn" } + [
    Field("StaticHyperparameters", .object), Field("HyperparameterRanges", .object, required: true),
    Field("Strategy", .string, allowedValues: ["Bayesian", "Random", "Hyperband"]), Field("Objective", .object),
    Field("MaxJobs", .integer), Field("MaxParallelJobs", .integer), Field("Seed", .integer), Field("Resource", .object),
    Field("Refit", .boolean),
  ])

  static let evaluate = ParameterSchema([
    Field("Model", [.string, .object], required: true), Field("Dataset", .object, required: true),
    Field("Split", .string, allowedValues: ["train", "validation", "test"]),
  ])

  static let register = ParameterSchema([
    Field("ModelName", .string, required: true), Field("Model", [.string, .object]), Field("Metrics", .object),
    Field("ApprovalStatus", .string, allowedValues: ApprovalStatus.allCases.map(\.rawValue)), Field("Description", .string),
    Field("Aliases", .array), Field("Version", .integer), Field("Note", .string),
  ])

  static let deploy = ParameterSchema([
    Field("EndpointName", .string, required: true), Field("ModelName", .string, required: true), Field("Version", .integer),
    Field("Alias", .string), Field("RequireApproval", .boolean),
  ])

  static let transform = ParameterSchema([
    Field("Model", [.string, .object]), Field("ModelName", .string), Field("Version", .integer), Field("Alias", .string),
    Field("EndpointName", .string), Field("Input", .string, required: true), Field("Output", .string),
    Field("IncludeInput", .boolean), Field("Probabilities", .boolean),
  ])

  static let monitor = ParameterSchema([
    Field("Baseline", [.string, .object]), Field("EndpointName", .string), Field("DataPath", .string),
    Field("CaptureDirectory", .string), Field("PSIThreshold", .number), Field("KSAlpha", .number), Field("DriftShare", .number),
    Field("MinRows", .integer), Field("MaxRows", .integer),
  ])
}
