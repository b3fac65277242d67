import FlowCore

extension SQLiteStore {
  public func acquireLease(_ executionId: String, owner: String, until: Double, now: Double) throws -> LeaseFence? {
    try grouped { db in
      let taken = try db.run(
        """
        UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1
        WHERE id = ? AND status = 'RUNNING' AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until < ?)
        """,
        [.text(owner), .double(until), .text(executionId), .text(owner), .double(now)]) == 1
      return taken ? try fence(of: executionId, in: db) : nil
    }
  }

  public func takeOverLease(_ executionId: String, from previous: String, to owner: String, until: Double) throws -> LeaseFence? {
    try grouped { db in
      let taken = try db.run(
        "UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1 WHERE id = ? AND status = 'RUNNING' AND owner = ?",
        [.text(owner), .double(until), .text(executionId), .text(previous)]) == 1
      return taken ? try fence(of: executionId, in: db) : nil
    }
  }

  public func renewLease(_ executionId: String, fence: LeaseFence, until: Double) throws -> Bool {
    try grouped { db in
      try db.run("UPDATE executions SET lease_until = ? WHERE id = ? AND owner = ? AND lease_epoch = ?",
                 [.double(until), .text(executionId), .text(fence.owner), .int(fence.epoch)]) == 1
    }
  }

  public func releaseLease(_ executionId: String, fence: LeaseFence) throws {
    try grouped { db in
      _ = try db.run("UPDATE executions SET lease_until = NULL WHERE id = ? AND owner = ? AND lease_epoch = ? AND lease_until IS NOT NULL",
                     [.text(executionId), .text(fence.owner), .int(fence.epoch)])
    }
  }

  private func fence(of executionId: String, in db: SQLiteConnection) throws -> LeaseFence? {
    try db.query("SELECT owner, lease_epoch FROM executions WHERE id = ?", [.text(executionId)]) {
      LeaseFence(owner: $0.text(0), epoch: $0.int(1))
    }.first
  }

  /// Throws ``StoreError/Code/leaseLost`` unless `fence` still holds the execution's lease (inside a transaction).
  func check(_ fence: LeaseFence, executionId: String, in db: SQLiteConnection) throws {
    let current = try self.fence(of: executionId, in: db)
    guard current == fence else {
      throw StoreError(
        "execution \(executionId): this process (\(fence.owner), lease epoch \(fence.epoch)) no longer holds its lease; "
          + "\(current.map { "\($0.owner) took it over (epoch \($0.epoch))" } ?? "the execution is gone"); nothing was written",
        code: .leaseLost)
    }
  }

  public func requestStop(_ executionId: String, error: String?, cause: String?, now: Double) throws -> ExecutionStatus {
    try locked { db in
      try db.transaction {
        let rows = try db.query("SELECT status, lease_until FROM executions WHERE id = ?", [.text(executionId)]) {
          ($0.text(0), $0.optionalDouble(1))
        }
        guard let (status, lease) = rows.first else { throw StoreError("no execution with id '\(executionId)'", code: .notFound) }
        guard status == ExecutionStatus.running.rawValue else {
          return ExecutionStatus(rawValue: status) ?? .failed
        }
        if let lease, lease >= now {
          // The live owner reads the error and cause from here when it writes ExecutionAborted.
          try db.run("UPDATE executions SET stop_requested = 1, error = ?, cause = ? WHERE id = ?",
                     [SQLValue(error), SQLValue(cause), .text(executionId)])
          return .running
        }
        // Nobody runs it: abort it here, in the same transaction that saw it orphaned.
        let last = try db.query("SELECT COALESCE(MAX(id), 0) FROM events WHERE execution_id = ?",
                                [.text(executionId)]) { $0.int(0) }.first ?? 0
        try db.run(
          "INSERT INTO events (execution_id, id, previous_id, type, timestamp, details) VALUES (?,?,?,?,?,?)",
          [.text(executionId), .int(last + 1), .int(last), .text(HistoryEventType.executionAborted.rawValue), .double(now),
           .text(JSONValue.object(EventDetails.failure(error: error, cause: cause)).serialized())])
        try db.run("UPDATE executions SET status = 'ABORTED', error = ?, cause = ?, stop_time = ? WHERE id = ?",
                   [SQLValue(error), SQLValue(cause), .double(now), .text(executionId)])
        return .aborted
      }
    }
  }

  public func reopen(_ executionId: String, scopes: [ScopeRecord], events: [HistoryEvent]) throws {
    try locked { db in
      try db.transaction {
        let changed = try db.run(
          """
          UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop_time = NULL,
            stop_requested = 0, redrive_count = redrive_count + 1 WHERE id = ? AND status != 'RUNNING'
          """, [.text(executionId)])
        guard changed == 1 else { throw StoreError("execution '\(executionId)' is not finished") }
        try write(events: events, scopes: scopes, tokens: [], executionId: executionId, in: db)
      }
    }
  }

  public func token(_ token: String) throws -> TaskTokenRecord? {
    try reading { db in
      try db.query(
        "SELECT token, execution_id, state_name, status, output, error, cause, heartbeat FROM task_tokens WHERE token = ?",
        [.text(token)]
      ) {
        TaskTokenRecord(token: $0.text(0), executionId: $0.text(1), stateName: $0.text(2),
                        status: TaskTokenRecord.Status(rawValue: $0.text(3)) ?? .pending, output: try $0.json(4),
                        error: $0.optionalText(5), cause: $0.optionalText(6), heartbeat: $0.double(7))
      }.first
    }
  }

  /// The tokens still waiting for an answer whose execution is running, oldest first (`flow task list`).
  public func pendingTokens() throws -> [TaskTokenRecord] {
    try reading { db in
      try db.query(
        """
        SELECT t.token, t.execution_id, t.state_name, t.heartbeat FROM task_tokens t
          JOIN executions e ON e.id = t.execution_id
        WHERE t.status = 'PENDING' AND e.status = 'RUNNING' ORDER BY t.heartbeat
        """
      ) { TaskTokenRecord(token: $0.text(0), executionId: $0.text(1), stateName: $0.text(2), heartbeat: $0.double(3)) }
    }
  }

  public func completeToken(_ token: String, status: TaskTokenRecord.Status, output: JSONValue?, error: String?,
                            cause: String?, now: Double) throws {
    try locked { db in
      let changed = try db.run(
        "UPDATE task_tokens SET status = ?, output = ?, error = ?, cause = ?, heartbeat = ? WHERE token = ? AND status = 'PENDING'",
        [.text(status.rawValue), SQLValue(output?.serialized()), SQLValue(error), SQLValue(cause), .double(now),
         .text(token)])
      if changed == 0 { throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound) }
    }
  }

  public func heartbeatToken(_ token: String, now: Double) throws {
    try locked { db in
      let changed = try db.run("UPDATE task_tokens SET heartbeat = ? WHERE token = ? AND status = 'PENDING'",
                               [.double(now), .text(token)])
      if changed == 0 { throw StoreError("task token '\(token)' is unknown or already completed", code: .notFound) }
    }
  }
}
