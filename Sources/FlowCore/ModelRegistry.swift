import Foundation

/// Whether a registered model version may be deployed (SageMaker's `ModelApprovalStatus`).
public enum ApprovalStatus: String, Sendable, Codable, CaseIterable {
  /// Registered, waiting for a person (or a pipeline) to decide.
  case pendingManualApproval = "PendingManualApproval"
  /// May be deployed.
  case approved = "Approved"
  /// Must not be deployed.
  case rejected = "Rejected"

  /// Parses `Approved`, `approved`, `PendingManualApproval`, `pending`, `Rejected`, `rejected`.
  public init?(parsing text: String) {
    switch text.lowercased() {
    case "approved": self = .approved
    case "rejected": self = .rejected
    case "pendingmanualapproval", "pending": self = .pendingManualApproval
    default: return nil
    }
  }
}

/// What `flow:register` adds to the registry: a model artifact and where it came from.
public struct ModelVersionDraft: Sendable, Equatable {
  /// The registered model's name (versions are numbered per name).
  public var modelName: String
  /// The model artifact's path (content-addressed, so it never changes).
  public var artifactPath: String
  /// The artifact's SHA-256.
  public var artifactHash: String
  /// The execution that registered it.
  public var executionId: String?
  /// The Task state that registered it.
  public var stateName: String?
  /// The pipeline file of that execution.
  public var pipelinePath: String?
  /// The SHA-256 of the pipeline file's contents (of the stored definition when the file is gone).
  public var pipelineHash: String?
  /// SHA-256 of the data set the model was trained on.
  public var datasetHash: String?
  /// The learning algorithm, such as `svm`.
  public var algorithm: String?
  /// Every hyperparameter (an object).
  public var hyperparameters: JSONValue
  /// Metrics by name (an object of numbers).
  public var metrics: JSONValue
  /// The approval status it starts with.
  public var approvalStatus: ApprovalStatus
  /// Free text.
  public var description: String?
  /// Registering again with the same key returns the version already registered (a re-run after a crash).
  public var idempotencyKey: String?
  /// Seconds since 1970.
  public var createdAt: Double

  /// Creates a draft; only the name and the artifact are required.
  public init(modelName: String, artifactPath: String, artifactHash: String, executionId: String? = nil,
              stateName: String? = nil, pipelinePath: String? = nil, pipelineHash: String? = nil,
              datasetHash: String? = nil, algorithm: String? = nil, hyperparameters: JSONValue = .emptyObject,
              metrics: JSONValue = .emptyObject, approvalStatus: ApprovalStatus = .pendingManualApproval,
              description: String? = nil, idempotencyKey: String? = nil, createdAt: Double = Date().timeIntervalSince1970) {
    self.modelName = modelName
    self.artifactPath = artifactPath
    self.artifactHash = artifactHash
    self.executionId = executionId
    self.stateName = stateName
    self.pipelinePath = pipelinePath
    self.pipelineHash = pipelineHash
    self.datasetHash = datasetHash
    self.algorithm = algorithm
    self.hyperparameters = hyperparameters
    self.metrics = metrics
    self.approvalStatus = approvalStatus
    self.description = description
    self.idempotencyKey = idempotencyKey
    self.createdAt = createdAt
  }
}

/// One registered model version, as the registry keeps it.
public struct ModelVersionRecord: Sendable, Equatable {
  /// What was registered.
  public var draft: ModelVersionDraft
  /// 1, 2, 3, … per model name.
  public var version: Int
  /// The current approval status.
  public var approvalStatus: ApprovalStatus
  /// Why the status last changed.
  public var approvalNote: String?
  /// When the status last changed (seconds since 1970).
  public var approvalTime: Double?
  /// The aliases that point at this version (`production`, `staging`, …), sorted.
  public var aliases: [String]

  /// Creates a record (done by registry implementations).
  public init(draft: ModelVersionDraft, version: Int, approvalStatus: ApprovalStatus, approvalNote: String? = nil,
              approvalTime: Double? = nil, aliases: [String] = []) {
    self.draft = draft
    self.version = version
    self.approvalStatus = approvalStatus
    self.approvalNote = approvalNote
    self.approvalTime = approvalTime
    self.aliases = aliases
  }

  /// The model's name.
  public var modelName: String { draft.modelName }
  /// The model artifact's path.
  public var artifactPath: String { draft.artifactPath }
}

/// A model version an endpoint points at.
public struct EndpointTargetRecord: Sendable, Equatable {
  /// The registered model's name.
  public var modelName: String
  /// Its version.
  public var version: Int
  /// The version's artifact path.
  public var artifactPath: String

  /// Creates a target.
  public init(modelName: String, version: Int, artifactPath: String) {
    self.modelName = modelName
    self.version = version
    self.artifactPath = artifactPath
  }
}

/// A named endpoint: the model version it serves and the one it served before (for rollback).
public struct EndpointRecord: Sendable, Equatable {
  /// The endpoint's name.
  public var name: String
  /// The version it serves.
  public var current: EndpointTargetRecord
  /// The version it served before the last deploy or rollback (what `flow endpoints rollback` returns to).
  public var previous: EndpointTargetRecord?
  /// Seconds since 1970 of the last deploy or rollback.
  public var updatedAt: Double
  /// The execution whose `flow:deploy` made the last change, if any.
  public var executionId: String?

  /// Creates a record (done by registry implementations).
  public init(name: String, current: EndpointTargetRecord, previous: EndpointTargetRecord?, updatedAt: Double,
              executionId: String? = nil) {
    self.name = name
    self.current = current
    self.previous = previous
    self.updatedAt = updatedAt
    self.executionId = executionId
  }
}

/// Registered models, their versions and approval, aliases, and the endpoints that serve them.
///
/// Contract: every method is one atomic, durable transaction, safe to call from several processes at once.
/// ``register(_:)`` and ``deploy(endpoint:model:version:executionId:idempotencyKey:)`` are idempotent on their
/// key, so a step that runs again after a crash does not register or deploy twice. Unknown models, versions and
/// endpoints throw ``StoreError`` with a message for people.
public protocol ModelRegistry: Sendable {
  /// Adds a version (numbered one past the model's last), or returns the one registered with the same key, or the
  /// model's version with the same non-empty `artifactHash` (registering a byte-identical artifact again adds nothing).
  func register(_ draft: ModelVersionDraft) throws -> ModelVersionRecord
  /// One version, or `nil`.
  func modelVersion(_ modelName: String, version: Int) throws -> ModelVersionRecord?
  /// The version an alias points at, or `nil`.
  func modelVersion(_ modelName: String, alias: String) throws -> ModelVersionRecord?
  /// Every version of `modelName` (of every model when `nil`), by name then version.
  func modelVersions(_ modelName: String?) throws -> [ModelVersionRecord]
  /// Changes a version's approval status.
  func setApproval(_ modelName: String, version: Int, status: ApprovalStatus, note: String?) throws -> ModelVersionRecord
  /// Points `alias` at a version, or removes it when `version` is `nil`.
  func setAlias(_ alias: String, modelName: String, version: Int?) throws
  /// Points `endpoint` at a version, keeping what it served before as its previous version.
  /// Deploying the version it already serves changes nothing.
  func deploy(endpoint: String, model: String, version: Int, executionId: String?, idempotencyKey: String?) throws -> EndpointRecord
  /// Swaps an endpoint's current and previous versions; refuses (naming the newest Approved version) when the
  /// previous version has been Rejected since.
  func rollback(endpoint: String) throws -> EndpointRecord
  /// One endpoint, or `nil`.
  func endpoint(_ name: String) throws -> EndpointRecord?
  /// Every endpoint, by name.
  func endpoints() throws -> [EndpointRecord]
}

/// A file in the content-addressed artifact area and who produced it.
public struct ArtifactRecord: Sendable, Equatable {
  /// SHA-256 of the file's bytes.
  public var hash: String
  /// Where it is (under the store's `artifacts/sha256/`).
  public var path: String
  /// What it is: `dataset`, `baseline`, `model`, `predictions`, `report`, …
  public var kind: String
  /// The file's size.
  public var bytes: Int
  /// The execution that produced it.
  public var executionId: String
  /// The Task state that produced it.
  public var stateName: String
  /// The hashes (or paths, for files outside the artifact area) of what it was made from.
  public var inputs: [String]
  /// When it was recorded (seconds since 1970).
  public var createdAt: Double

  /// Creates a record.
  public init(hash: String, path: String, kind: String, bytes: Int, executionId: String, stateName: String,
              inputs: [String] = [], createdAt: Double = Date().timeIntervalSince1970) {
    self.hash = hash
    self.path = path
    self.kind = kind
    self.bytes = bytes
    self.executionId = executionId
    self.stateName = stateName
    self.inputs = inputs
    self.createdAt = createdAt
  }
}

/// The lineage of artifacts: which execution and state produced each one, from which inputs.
///
/// Contract: recording the same (execution, state, hash) twice keeps one row, so a re-run step may record again.
public protocol ArtifactCatalog: Sendable {
  /// Records that a state of an execution produced an artifact.
  func recordArtifact(_ artifact: ArtifactRecord) throws
  /// What an execution produced, in the order it was recorded.
  func artifacts(producedBy executionId: String) throws -> [ArtifactRecord]
  /// Every record of the artifact with this hash (one per producer).
  func artifacts(withHash hash: String) throws -> [ArtifactRecord]
}
