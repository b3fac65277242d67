import FlowCore
import FlowTraining
import Foundation

/// `flow:deploy`: points a named endpoint at a registered model version. The endpoint keeps the version it served
/// before, which `flow endpoints rollback NAME` returns to; a running `flow serve` picks the change up by itself.
///
/// Parameters: `EndpointName` (required), `ModelName` (required), `Version` (a number) or `Alias` (such as
/// `production`), `RequireApproval` (default `true`: only an `Approved` version may be deployed; a `Rejected` one
/// never may).
///
/// The artifact is loaded before the switch, so a broken file is never deployed. Deploying again (a re-run after a
/// crash) changes nothing. Output: `{"endpoint", "modelName", "version", "artifactPath", "previous": {"modelName",
/// "version"} or null}`. Errors: `Deploy.NotApproved`, `Deploy.ModelRejected`, `Registry.Failed` (no such model or
/// version), `Deploy.InvalidModel`.
public struct DeployStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["EndpointName", "ModelName", "Version", "Alias", "RequireApproval"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Deploy", known: Self.fields)
    let endpoint = try parameters.string("EndpointName")
    let name = try parameters.string("ModelName")
    let registry = environment.registry
    let record: ModelVersionRecord
    if parameters["Version"] != nil {
      let version = try parameters.int("Version", default: 0, min: 1)
      guard let found = try registryCall({ try registry.modelVersion(name, version: version) }) else {
        throw StepFailure("Registry.Failed", cause: "model '\(name)' has no version \(version)")
      }
      record = found
    } else if let alias = try parameters.optionalString("Alias") {
      guard let found = try registryCall({ try registry.modelVersion(name, alias: alias) }) else {
        throw StepFailure("Registry.Failed", cause: "model '\(name)' has no alias '\(alias)'")
      }
      record = found
    } else {
      throw parameters.invalid("give the model's 'Version' or an 'Alias'")
    }
    switch record.approvalStatus {
    case .rejected:
      throw StepFailure("Deploy.ModelRejected", cause: "\(name) v\(record.version) is Rejected\(record.approvalNote.map { " (\($0))" } ?? ""); it can't be deployed")
    case .pendingManualApproval where try parameters.bool("RequireApproval", default: true):
      throw StepFailure("Deploy.NotApproved",
                        cause: "\(name) v\(record.version) is PendingManualApproval: approve it (flow models approve \(name) \(record.version)) or set RequireApproval: false")
    default: break
    }
    let modelPath = try environment.localModelPath(record.artifactPath, hash: record.draft.artifactHash, step: "Deploy")
    _ = try mapTrainingErrors("Deploy", file: modelPath) { try ModelArtifact.load(contentsOfFile: modelPath) }
    let deployed = try registryCall {
      try registry.deploy(endpoint: endpoint, model: name, version: record.version, executionId: context.executionId,
                          idempotencyKey: context.idempotencyKey)
    }
    let previously = deployed.previous.map { " (previously \($0.modelName) v\($0.version))" } ?? ""
    context.logger.info("\(context.stateName): endpoint '\(endpoint)' serves \(name) v\(record.version)\(previously)")
    return Self.json(deployed)
  }

  static func json(_ record: EndpointRecord) -> JSONValue {
    [
      "endpoint": .string(record.name), "modelName": .string(record.current.modelName), "version": .int(record.current.version),
      "artifactPath": .string(record.current.artifactPath),
      "previous": record.previous.map { ["modelName": .string($0.modelName), "version": .int($0.version)] } ?? .null,
    ]
  }
}
