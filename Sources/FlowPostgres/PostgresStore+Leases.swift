import FlowCore

/// Leases with fencing, stopping, re-opening and callback tokens, as FlowStore's `SQLiteStore+Leases`.
extension PostgresStore {
  // Each lease change is one statement: the row's lock orders it against commits (which lock the row to check
  // their fence) and claims.

  public func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) throws -> LeaseFence? {
    try session { db in
      try Self.fence(db.query(
        """
        UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1
        WHERE id = ? AND status = 'RUNNING' AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until < ?)
        RETURNING owner, lease_epoch
        """,
        [.text(owner), .double(until), .text(executionId), .text(owner), .double(now)]).first)
    }
  }

  public func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) throws -> LeaseFence? {
    try session { db in
      try Self.fence(db.query(
        """
        UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1
        WHERE id = ? AND status = 'RUNNING' AND owner = ? RETURNING owner, lease_epoch
        """,
        [.text(owner), .double(until), .text(executionId), .text(previous)]).first)
    }
  }

  public func renewLease(_ executionId: String, fence: LeaseFence, until: Double) throws -> Bool {
    try session { db in
      try db.run("UPDATE executions SET lease_until = ? WHERE id = ? AND owner = ? AND lease_epoch = ?",
                 [.double(until), .text(executionId), .text(fence.owner), .int(fence.epoch)]) == 1
    }
  }

  public func releaseLease(_ executionId: String, fence: LeaseFence) throws {
    // A finished execution's lease ended with its last commit: then this writes nothing (and waits for no flush).
    try session { db in
      _ = try db.run("UPDATE executions SET lease_until = NULL WHERE id = ? AND owner = ? AND lease_epoch = ? AND lease_until IS NOT NULL",
                     [.text(executionId), .text(fence.owner), .int(fence.epoch)])
    }
  }

  private static func fence(_ row: PGRow?) throws -> LeaseFence? {
    guard let row, let owner = try row.optionalText(0) else { return nil }
    return LeaseFence(owner: owner, epoch: try row.int(1))
  }

  public func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus {
    try transaction { db in
      guard let row = try db.query("SELECT status, lease_until FROM executions WHERE id = ? FOR UPDATE",
                                   [.text(executionId)]).first else {
        throw StoreError("no execution with id '\(executionId)'", code: .notFound)
      }
      let status = try row.text(0), lease = try row.optionalDouble(1)
      guard status == ExecutionStatus.running.rawValue else { return ExecutionStatus(rawValue: status) ?? .failed }
      if let lease, lease >= now {
        // The live owner reads the error and cause from here when it writes ExecutionAborted.
        try db.run("UPDATE executions SET stop_requested = 1, error = ?, cause = ? WHERE id = ?",
                   [PGValue(error), PGValue(cause), .text(executionId)])
        return .running
      }
      // Nobody runs it: abort it here, in the same transaction that saw it orphaned.
      let last = try db.query("SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_id = ?",
                              [.text(executionId)]).first?.int(0) ?? 0
      try db.run(
        "INSERT INTO events (execution_id, id, previous_id, type, timestamp, details) VALUES (?,?,?,?,?,?)",
        [.text(executionId), .int(last + 1), .int(last), .text(HistoryEventType.executionAborted.rawValue), .double(now),
         .text(JSONValue.object(EventDetails.failure(error: error, cause: cause)).serialized())])
      try db.run("UPDATE executions SET status = 'ABORTED', error = ?, cause = ?, stop_time = ? WHERE id = ?",
                 [PGValue(error), PGValue(cause), .double(now), .text(executionId)])
      return .aborted
    }
  }

  public func reopen(_ executionId: String, scopes: [ScopeRecord], events: [HistoryEvent]) throws {
    try transaction { db in
      let changed = try db.run(
        """
        UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop_time = NULL,
          stop_requested = 0, redrive_count = redrive_count + 1 WHERE id = ? AND status != 'RUNNING'
        """, [.text(executionId)])
      guard changed == 1 else { throw StoreError("execution '\(executionId)' is not finished") }
      try write(events: events, scopes: scopes, tokens: [], executionId: executionId, in: db)
    }
  }

  // MARK: - Callback tokens

  public func token(_ token: String) throws -> TaskTokenRecord? {
    try session { db in
      try db.query(
        "SELECT token, execution_id, state_name, status, output, error, cause, heartbeat FROM task_tokens WHERE token = ?",
        [.text(token)]
      ).first.map {
        TaskTokenRecord(token: try $0.text(0), executionId: try $0.text(1), stateName: try $0.text(2),
                        status: TaskTokenRecord.Status(rawValue: try $0.text(3)) ?? .pending, output: try $0.json(4),
                        error: try $0.optionalText(5), cause: try $0.optionalText(6), heartbeat: try $0.double(7))
      }
    }
  }

  /// The tokens still waiting for an answer whose execution is running, oldest first (`flow task list`).
  public func pendingTokens() throws -> [TaskTokenRecord] {
    try session { db in
      try db.query(
        """
        SELECT t.token, t.execution_id, t.state_name, t.heartbeat FROM task_tokens t
          JOIN executions e ON e.id = t.execution_id
        WHERE t.status = 'PENDING' AND e.status = 'RUNNING' ORDER BY t.heartbeat
        """
      ).map {
        TaskTokenRecord(token: try $0.text(0), executionId: try $0.text(1), stateName: try $0.text(2), heartbeat: try $0.double(3))
      }
    }
  }

  public func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?,
                            cause: String?, now: Double) throws {
    try transaction { db in
      let changed = try db.run(
        "UPDATE task_tokens SET status = ?, output = ?, error = ?, cause = ?, heartbeat = ? WHERE token = ? AND status = 'PENDING'",
        [.text(status.rawValue), PGValue(output?.serialized()), PGValue(error), PGValue(cause), .double(now), .text(token)])
      if changed == 0 { throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound) }
    }
  }

  public func heartbeatToken(_ token: String, now: Double) throws {
    try transaction { db in
      let changed = try db.run("UPDATE task_tokens SET heartbeat = ? WHERE token = ? AND status = 'PENDING'",
                               [.double(now), .text(token)])
      if changed == 0 { throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound) }
    }
  }
}
