import FlowCore

/// The lineage of content-addressed artifacts (migration 4, table `artifacts`).
extension SQLiteStore: ArtifactCatalog {
  public func recordArtifact(_ artifact: ArtifactRecord) throws {
    _ = try locked { db in
      try db.transaction {
        try db.run(
          """
          INSERT OR IGNORE INTO artifacts (execution_id, state_name, hash, path, kind, bytes, inputs, created_at)
          VALUES (?,?,?,?,?,?,?,?)
          """,
          [.text(artifact.executionId), .text(artifact.stateName), .text(artifact.hash), .text(artifact.path),
           .text(artifact.kind), .int(artifact.bytes), .text(JSONValue.array(artifact.inputs.map(JSONValue.string)).serialized()),
           .double(artifact.createdAt)])
      }
    }
  }

  public func artifacts(producedBy executionId: String) throws -> [ArtifactRecord] {
    try locked { db in
      try db.query("SELECT \(Self.artifactColumns) FROM artifacts WHERE execution_id = ? ORDER BY created_at, state_name",
                   [.text(executionId)], Self.artifact(from:))
    }
  }

  public func artifacts(withHash hash: String) throws -> [ArtifactRecord] {
    try locked { db in
      try db.query("SELECT \(Self.artifactColumns) FROM artifacts WHERE hash = ? ORDER BY created_at", [.text(hash)],
                   Self.artifact(from:))
    }
  }

  private static let artifactColumns = "execution_id, state_name, hash, path, kind, bytes, inputs, created_at"

  private static func artifact(from row: Statement) throws -> ArtifactRecord {
    ArtifactRecord(hash: row.text(2), path: row.text(3), kind: row.text(4), bytes: row.int(5), executionId: row.text(0),
                   stateName: row.text(1), inputs: (try row.json(6))?.arrayValue?.compactMap(\.stringValue) ?? [],
                   createdAt: row.double(7))
  }
}
extension SQLiteStore: FlowStoreBackend {}
