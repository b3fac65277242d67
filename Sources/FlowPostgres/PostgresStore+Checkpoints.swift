import FlowCore

/// A task's own durable progress across its attempts (table `step_checkpoints`).
extension PostgresStore {
  public func checkpoints(of executionId: String, key: String) throws -> [JSONValue] {
    try session { db in
      try db.query("SELECT value FROM step_checkpoints WHERE execution_id = ? AND key = ? ORDER BY seq",
                   [.text(executionId), .text(key)]).map { try $0.json(0) ?? .null }
    }
  }

  public func appendCheckpoint(_ value: JSONValue, executionId: String, key: String) throws {
    try transaction { db in
      try db.run(
        """
        INSERT INTO step_checkpoints (execution_id, key, seq, value)
        SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ? FROM step_checkpoints WHERE execution_id = ? AND key = ?
        """,
        [.text(executionId), .text(key), .text(value.serialized()), .text(executionId), .text(key)])
    }
  }
}
