import FlowCore
import Foundation

/// The model registry in the store, as FlowStore's `SQLiteStore+Registry`: `model_versions`, `model_aliases`,
/// `endpoints`, `endpoint_deployments`. Each call is one serializable transaction, so two processes registering
/// the same model at once get consecutive versions (the loser's transaction runs again).
extension PostgresStore: ModelRegistry {
  private static let versionColumns = """
    model_name, version, artifact_path, artifact_hash, execution_id, state_name, pipeline_path, pipeline_hash,
    dataset_hash, algorithm, hyperparameters, metrics, approval_status, approval_note, approval_time, description,
    idempotency_key, created_at
    """

  public func register(_ draft: ModelVersionDraft) throws -> ModelVersionRecord {
    try transaction { db in
      if let key = draft.idempotencyKey,
         let existing = try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE idempotency_key = ?",
                                     [.text(key)], Self.version(from:)).first {
        return try withAliases(existing, db)
      }
      // A retrain that produced a byte-identical model is the version already registered, not a new one.
      if !draft.artifactHash.isEmpty,
         let existing = try db.query(
           "SELECT \(Self.versionColumns) FROM model_versions WHERE model_name = ? AND artifact_hash = ? ORDER BY version DESC LIMIT 1",
           [.text(draft.modelName), .text(draft.artifactHash)], Self.version(from:)).first {
        return try withAliases(existing, db)
      }
      let last = try db.query("SELECT MAX(version) FROM model_versions WHERE model_name = ?", [.text(draft.modelName)]) {
        try $0.optionalInt(0) ?? 0
      }.first ?? 0
      let version = last + 1
      try db.run(
        "INSERT INTO model_versions (\(Self.versionColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [.text(draft.modelName), .int(version), .text(draft.artifactPath), .text(draft.artifactHash),
         PGValue(draft.executionId), PGValue(draft.stateName), PGValue(draft.pipelinePath), PGValue(draft.pipelineHash),
         PGValue(draft.datasetHash), PGValue(draft.algorithm), .text(draft.hyperparameters.serialized()),
         .text(draft.metrics.serialized()), .text(draft.approvalStatus.rawValue), .null,
         draft.approvalStatus == .pendingManualApproval ? .null : .double(draft.createdAt), PGValue(draft.description),
         PGValue(draft.idempotencyKey), .double(draft.createdAt)])
      return ModelVersionRecord(draft: draft, version: version, approvalStatus: draft.approvalStatus,
                                approvalTime: draft.approvalStatus == .pendingManualApproval ? nil : draft.createdAt)
    }
  }

  public func modelVersion(_ modelName: String, version: Int) throws -> ModelVersionRecord? {
    try session { db in try versionRow(modelName, version, db) }
  }

  public func modelVersion(_ modelName: String, alias: String) throws -> ModelVersionRecord? {
    try session { db in
      guard let version = try db.query("SELECT version FROM model_aliases WHERE model_name = ? AND alias = ?",
                                       [.text(modelName), .text(alias)], { try $0.int(0) }).first else { return nil }
      return try versionRow(modelName, version, db)
    }
  }

  public func modelVersions(_ modelName: String?) throws -> [ModelVersionRecord] {
    try session { db in
      let rows = if let modelName {
        try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE model_name = ? ORDER BY version",
                     [.text(modelName)], Self.version(from:))
      } else {
        try db.query("SELECT \(Self.versionColumns) FROM model_versions ORDER BY model_name COLLATE \"C\", version", [], Self.version(from:))
      }
      return try rows.map { try withAliases($0, db) }
    }
  }

  public func setApproval(_ modelName: String, version: Int, status: ApprovalStatus, note: String?) throws -> ModelVersionRecord {
    try transaction { db in
      let changed = try db.run(
        "UPDATE model_versions SET approval_status = ?, approval_note = ?, approval_time = ? WHERE model_name = ? AND version = ?",
        [.text(status.rawValue), PGValue(note), .double(Date().timeIntervalSince1970), .text(modelName), .int(version)])
      guard changed > 0, let record = try versionRow(modelName, version, db) else {
        throw try unknownVersion(modelName, version, db)
      }
      return record
    }
  }

  public func setAlias(_ alias: String, modelName: String, version: Int?) throws {
    try transaction { db in
      guard let version else {
        let removed = try db.run("DELETE FROM model_aliases WHERE model_name = ? AND alias = ?", [.text(modelName), .text(alias)])
        if removed == 0 { throw StoreError("model '\(modelName)' has no alias '\(alias)'") }
        return
      }
      guard try versionRow(modelName, version, db) != nil else { throw try unknownVersion(modelName, version, db) }
      try db.run(
        """
        INSERT INTO model_aliases (model_name, alias, version, updated_at) VALUES (?,?,?,?)
        ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
        """,
                 [.text(modelName), .text(alias), .int(version), .double(Date().timeIntervalSince1970)])
    }
  }

  public func deploy(endpoint: String, model: String, version: Int, executionId: String?,
                     idempotencyKey: String?) throws -> EndpointRecord {
    try transaction { db in
      guard try versionRow(model, version, db) != nil else { throw try unknownVersion(model, version, db) }
      let now = Date().timeIntervalSince1970
      if let idempotencyKey, let existing = try endpointRow(endpoint, db),
         try !db.query("SELECT 1 FROM endpoint_deployments WHERE endpoint = ? AND idempotency_key = ?",
                       [.text(endpoint), .text(idempotencyKey)], { _ in true }).isEmpty {
        return existing
      }
      let current = try endpointRow(endpoint, db)
      if let current, current.current.modelName == model, current.current.version == version { return current }
      try db.run(
        """
        INSERT INTO endpoints (name, model_name, version, previous_model_name, previous_version, execution_id,
          updated_at) VALUES (?,?,?,?,?,?,?)
        ON CONFLICT (name) DO UPDATE SET model_name = excluded.model_name, version = excluded.version,
          previous_model_name = excluded.previous_model_name, previous_version = excluded.previous_version,
          execution_id = excluded.execution_id, updated_at = excluded.updated_at
        """,
        [.text(endpoint), .text(model), .int(version), PGValue(current?.current.modelName),
         current.map { .int($0.current.version) } ?? .null, PGValue(executionId), .double(now)])
      try logDeployment(endpoint, action: "deploy", model: model, version: version, executionId: executionId,
                        key: idempotencyKey, at: now, db)
      return try endpointRow(endpoint, db)!
    }
  }

  public func rollback(endpoint: String) throws -> EndpointRecord {
    try transaction { db in
      guard let record = try endpointRow(endpoint, db) else { throw StoreError("no endpoint named '\(endpoint)'") }
      guard let previous = record.previous else {
        throw StoreError("endpoint '\(endpoint)' has no previous version to roll back to (it serves \(record.current.modelName) v\(record.current.version))")
      }
      if let target = try versionRow(previous.modelName, previous.version, db), target.approvalStatus == .rejected {
        throw try rejectedRollback(endpoint, record, target, db)
      }
      let now = Date().timeIntervalSince1970
      try db.run(
        """
        UPDATE endpoints SET model_name = ?, version = ?, previous_model_name = ?, previous_version = ?, execution_id = NULL,
          updated_at = ? WHERE name = ?
        """,
        [.text(previous.modelName), .int(previous.version), .text(record.current.modelName), .int(record.current.version),
         .double(now), .text(endpoint)])
      try logDeployment(endpoint, action: "rollback", model: previous.modelName, version: previous.version,
                        executionId: nil, key: nil, at: now, db)
      return try endpointRow(endpoint, db)!
    }
  }

  public func endpoint(_ name: String) throws -> EndpointRecord? {
    try session { db in try endpointRow(name, db) }
  }

  public func endpoints() throws -> [EndpointRecord] {
    try session { db in
      try db.query("SELECT name FROM endpoints ORDER BY name COLLATE \"C\"", [], { try $0.text(0) }).compactMap { try endpointRow($0, db) }
    }
  }

  // MARK: - Rows

  private static func version(from row: PGRow) throws -> ModelVersionRecord {
    let status = ApprovalStatus(rawValue: try row.text(12)) ?? .pendingManualApproval
    let draft = ModelVersionDraft(
      modelName: try row.text(0), artifactPath: try row.text(2), artifactHash: try row.text(3), executionId: try row.optionalText(4),
      stateName: try row.optionalText(5), pipelinePath: try row.optionalText(6), pipelineHash: try row.optionalText(7),
      datasetHash: try row.optionalText(8), algorithm: try row.optionalText(9), hyperparameters: try row.json(10) ?? .emptyObject,
      metrics: try row.json(11) ?? .emptyObject, approvalStatus: status, description: try row.optionalText(15),
      idempotencyKey: try row.optionalText(16), createdAt: try row.double(17))
    return ModelVersionRecord(draft: draft, version: try row.int(1), approvalStatus: status, approvalNote: try row.optionalText(13),
                              approvalTime: try row.optionalDouble(14))
  }

  private func versionRow(_ modelName: String, _ version: Int, _ db: PGSession) throws -> ModelVersionRecord? {
    guard let record = try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE model_name = ? AND version = ?",
                                    [.text(modelName), .int(version)], Self.version(from:)).first else { return nil }
    return try withAliases(record, db)
  }

  private func withAliases(_ record: ModelVersionRecord, _ db: PGSession) throws -> ModelVersionRecord {
    var record = record
    // The status a version was registered with is in the draft; the live one is in the record.
    record.aliases = try db.query("SELECT alias FROM model_aliases WHERE model_name = ? AND version = ? ORDER BY alias COLLATE \"C\"",
                                  [.text(record.modelName), .int(record.version)]) { try $0.text(0) }
    return record
  }

  private func unknownVersion(_ modelName: String, _ version: Int, _ db: PGSession) throws -> StoreError {
    let versions = try db.query("SELECT version FROM model_versions WHERE model_name = ? ORDER BY version",
                                [.text(modelName)]) { try $0.int(0) }
    if versions.isEmpty { return StoreError("no registered model named '\(modelName)'") }
    return StoreError("model '\(modelName)' has no version \(version) (versions: \(versions.map(String.init).joined(separator: ", ")))")
  }

  /// Why an endpoint can't go back to a Rejected version, and which version it could serve instead.
  private func rejectedRollback(_ endpoint: String, _ record: EndpointRecord, _ target: ModelVersionRecord,
                                _ db: PGSession) throws -> StoreError {
    let name = target.modelName
    let versions = try db.query("SELECT \(Self.versionColumns) FROM model_versions WHERE model_name = ? ORDER BY version DESC",
                                [.text(name)], Self.version(from:))
    let why = target.approvalNote.map { " (\($0))" } ?? ""
    var message = "endpoint '\(endpoint)' can't roll back to \(name) v\(target.version): that version is Rejected\(why), "
      + "and a Rejected version is never deployed. "
    if let newest = versions.first(where: { $0.approvalStatus == .approved }) {
      let serving = record.current.modelName == name && record.current.version == newest.version
      message += "The newest deployable (Approved) version is \(name) v\(newest.version)"
        + (serving ? ", which the endpoint already serves." : "; deploy it with a flow:deploy step (Version: \(newest.version)).")
    } else {
      message += "\(name) has no Approved version to deploy; approve one with `flow models approve \(name) VERSION`."
    }
    return StoreError(message)
  }

  private func endpointRow(_ name: String, _ db: PGSession) throws -> EndpointRecord? {
    try db.query(
      """
      SELECT e.name, e.model_name, e.version, c.artifact_path, e.previous_model_name, e.previous_version, p.artifact_path,
        e.updated_at, e.execution_id
      FROM endpoints e
      LEFT JOIN model_versions c ON c.model_name = e.model_name AND c.version = e.version
      LEFT JOIN model_versions p ON p.model_name = e.previous_model_name AND p.version = e.previous_version
      WHERE e.name = ?
      """, [.text(name)]) { row in
        EndpointRecord(
          name: try row.text(0), current: EndpointTargetRecord(modelName: try row.text(1), version: try row.int(2), artifactPath: try row.text(3)),
          previous: row.isNull(5) ? nil : EndpointTargetRecord(modelName: try row.text(4), version: try row.int(5), artifactPath: try row.text(6)),
          updatedAt: try row.double(7), executionId: try row.optionalText(8))
      }.first
  }

  private func logDeployment(_ endpoint: String, action: String, model: String, version: Int, executionId: String?,
                             key: String?, at time: Double, _ db: PGSession) throws {
    try db.run(
      """
      INSERT INTO endpoint_deployments (endpoint, seq, action, model_name, version, execution_id, idempotency_key, at)
      SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM endpoint_deployments WHERE endpoint = ?
      """,
      [.text(endpoint), .text(action), .text(model), .int(version), PGValue(executionId), PGValue(key), .double(time),
       .text(endpoint)])
  }
}
