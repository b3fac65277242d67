import FlowCore

/// The lineage of content-addressed artifacts (table `artifacts`). The files themselves stay in the local
/// artifact area (`.flow/artifacts`); only their records are shared.
extension PostgresStore: ArtifactCatalog {
  public func recordArtifact(_ artifact: ArtifactRecord) throws {
    try transaction { db in
      try db.run(
        """
        INSERT INTO artifacts (execution_id, state_name, hash, path, kind, bytes, inputs, created_at)
        VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING
        """,
        [.text(artifact.executionId), .text(artifact.stateName), .text(artifact.hash), .text(artifact.path),
         .text(artifact.kind), .int(artifact.bytes), .text(JSONValue.array(artifact.inputs.map(JSONValue.string)).serialized()),
         .double(artifact.createdAt)])
    }
  }

  public func artifacts(producedBy executionId: String) throws -> [ArtifactRecord] {
    try session { db in
      try db.query(
        "SELECT \(Self.artifactColumns) FROM artifacts WHERE execution_id = ? ORDER BY created_at, state_name COLLATE \"C\", hash COLLATE \"C\"",
        [.text(executionId)]).map(Self.artifact(from:))
    }
  }

  public func artifacts(withHash hash: String) throws -> [ArtifactRecord] {
    try session { db in
      try db.query(
        "SELECT \(Self.artifactColumns) FROM artifacts WHERE hash = ? ORDER BY created_at, execution_id COLLATE \"C\", state_name COLLATE \"C\"",
        [.text(hash)]).map(Self.artifact(from:))
    }
  }

  private static let artifactColumns = "execution_id, state_name, hash, path, kind, bytes, inputs, created_at"

  private static func artifact(from row: PGRow) throws -> ArtifactRecord {
    ArtifactRecord(hash: try row.text(2), path: try row.text(3), kind: try row.text(4), bytes: try row.int(5),
                   executionId: try row.text(0), stateName: try row.text(1),
                   inputs: (try row.json(6))?.arrayValue?.compactMap(\.stringValue) ?? [], createdAt: try row.double(7))
  }
}
