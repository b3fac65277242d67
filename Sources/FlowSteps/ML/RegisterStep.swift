import FlowCore
import FlowTraining
import Foundation

/// `flow:register`: adds a model to the model registry as the next version of `ModelName`, with its lineage
/// (execution, pipeline file and its hash, data set hash, hyperparameters, metrics) and an approval status.
///
/// Parameters: `ModelName` (required), `Model` (the output of `flow:train` or `flow:tune`'s `best`, or a path),
/// `Metrics` (an object; its numbers are recorded over the model's training metrics, so `Metrics.$: $.evaluation`
/// records the test scores), `ApprovalStatus` (`PendingManualApproval` (default), `Approved` or `Rejected`),
/// `Description`, `Aliases` (names to point at the new version, such as `[staging]`).
///
/// With `Version` instead of `Model`, it changes that version's approval status (`ApprovalStatus`, with an optional
/// `Note`) — SageMaker's UpdateModelPackage — which is how a pipeline approves a model after its gate.
///
/// A re-run (after a crash) returns the version it registered before, and so does registering an artifact with the
/// same SHA-256 as one of the model's versions (`alreadyRegistered` is then `true`). Output: `{"modelName", "version",
/// "approvalStatus", "aliases", "artifactPath", "artifactHash", "datasetHash", "metrics", "alreadyRegistered"}`.
public struct RegisterStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["ModelName", "Model", "Metrics", "ApprovalStatus", "Description", "Aliases", "Version", "Note"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Register", known: Self.fields)
    let name = try parameters.string("ModelName")
    var status: ApprovalStatus?
    if let text = try parameters.optionalString("ApprovalStatus") {
      guard let parsed = ApprovalStatus(parsing: text) else {
        throw parameters.invalid("ApprovalStatus must be PendingManualApproval, Approved or Rejected, got '\(text)'")
      }
      status = parsed
    }
    let registry = environment.registry
    if parameters["Version"] != nil {
      let version = try parameters.int("Version", default: 0, min: 1)
      guard let status else { throw parameters.invalid("with 'Version', give the new 'ApprovalStatus'") }
      let record = try registryCall { try registry.setApproval(name, version: version, status: status, note: try parameters.optionalString("Note")) }
      context.logger.info("\(context.stateName): \(name) v\(version) is now \(status.rawValue)")
      return Self.json(record)
    }

    guard let modelValue = parameters["Model"] else { throw parameters.invalid("give 'Model' (to register) or 'Version' (to change an approval status)") }
    let model = try ModelReference(modelValue, step: "Register")
    let artifact = try environment.loadModel(model, step: "Register").artifact
    var metrics = artifact.metrics
    for (key, value) in try parameters.object("Metrics") ?? [:] {
      // Counts such as `rows` are not scores.
      if let number = value.doubleValue, key != "rows" { metrics[key] = number }
    }
    let execution = try? environment.executions.execution(context.executionId)
    var pipelineHash: String?
    if let execution {
      pipelineHash = (try? HashAlgorithm.sha256.hexDigest(ofFileAt: execution.pipelinePath)) ?? HashAlgorithm.sha256.hexDigest(Data(execution.definition.utf8))
    }
    let draft = ModelVersionDraft(
      modelName: name, artifactPath: URL(fileURLWithPath: model.path).standardizedFileURL.path,
      artifactHash: model.sha256 ?? environment.artifacts.hash(ofFileAt: model.path) ?? "",
      executionId: context.executionId, stateName: context.stateName, pipelinePath: execution?.pipelinePath,
      pipelineHash: pipelineHash, datasetHash: model.datasetHash ?? artifact.trainingData.sha256,
      algorithm: artifact.algorithm.rawValue, hyperparameters: hyperparametersJSON(artifact.hyperparameters),
      metrics: metricsJSON(metrics), approvalStatus: status ?? .pendingManualApproval,
      description: try parameters.optionalString("Description"), idempotencyKey: context.idempotencyKey)
    var record = try registryCall { try registry.register(draft) }
    // The registry returns an existing version for a re-run (same key) or a byte-identical artifact (same hash).
    let existing = record.draft.createdAt != draft.createdAt
    for alias in try parameters.strings("Aliases") ?? [] {
      try registryCall { try registry.setAlias(alias, modelName: name, version: record.version) }
      if !record.aliases.contains(alias) { record.aliases.append(alias) }
    }
    if existing, record.draft.idempotencyKey != draft.idempotencyKey {
      context.logger.notice("\(context.stateName): \(name) v\(record.version) already holds this artifact (sha256 \(draft.artifactHash.prefix(12))); no new version registered (status \(record.approvalStatus.rawValue))")
    } else {
      context.logger.info("\(context.stateName): registered \(name) v\(record.version) (\(record.approvalStatus.rawValue))")
    }
    return Self.json(record, alreadyRegistered: existing && record.draft.idempotencyKey != draft.idempotencyKey)
  }

  static func json(_ record: ModelVersionRecord, alreadyRegistered: Bool = false) -> JSONValue {
    var object: JSONObject = [
      "modelName": .string(record.modelName), "version": .int(record.version),
      "approvalStatus": .string(record.approvalStatus.rawValue), "aliases": .array(record.aliases.sorted().map(JSONValue.string)),
      "artifactPath": .string(record.artifactPath), "artifactHash": .string(record.draft.artifactHash),
      "metrics": record.draft.metrics, "alreadyRegistered": .bool(alreadyRegistered),
    ]
    if let hash = record.draft.datasetHash { object["datasetHash"] = .string(hash) }
    return .object(object)
  }
}

/// Runs a registry call, turning a ``StoreError`` (unknown model, version or endpoint) into `Registry.Failed`.
func registryCall<T>(_ body: () throws -> T) throws -> T {
  do { return try body() } catch let error as StoreError {
    throw StepFailure("Registry.Failed", cause: error.message)
  }
}
