import FlowCore

/// `flow server`'s activities, the activity tasks offered to their workers, and tags (migration 2).
///
/// Several `flow server` processes may poll one store: ``takeActivityTask(activity:worker:now:)`` locks the task
/// it takes with `FOR UPDATE SKIP LOCKED`, so concurrent pollers pass over a task another is taking instead of
/// waiting for it, and the serializable transaction marks it taken before anyone else can see it waiting.
extension PostgresStore: ActivityStore {
  @discardableResult
  public func createActivity(_ record: ActivityRecord) throws -> ActivityRecord {
    try transaction { db in
      try db.run("INSERT INTO activities (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                 [.text(record.name), .double(record.createdAt)])
      return try db.query("SELECT name, created_at FROM activities WHERE name = ?", [.text(record.name)]) {
        ActivityRecord(name: try $0.text(0), createdAt: try $0.double(1))
      }.first ?? record
    }
  }

  public func activity(_ name: String) throws -> ActivityRecord? {
    try session { db in
      try db.query("SELECT name, created_at FROM activities WHERE name = ?", [.text(name)]) {
        ActivityRecord(name: try $0.text(0), createdAt: try $0.double(1))
      }.first
    }
  }

  public func activities(after: String?, limit: Int) throws -> [ActivityRecord] {
    try session { db in
      try db.query("SELECT name, created_at FROM activities WHERE name COLLATE \"C\" > ? ORDER BY name COLLATE \"C\" LIMIT ?",
                   [.text(after ?? ""), .int(limit)]) { ActivityRecord(name: try $0.text(0), createdAt: try $0.double(1)) }
    }
  }

  @discardableResult
  public func deleteActivity(_ name: String) throws -> Bool {
    try transaction { db in try db.run("DELETE FROM activities WHERE name = ?", [.text(name)]) > 0 }
  }

  public func offerActivityTask(_ record: ActivityTaskRecord) throws {
    try transaction { db in
      try db.run(
        """
        INSERT INTO activity_tasks (token, activity, execution_id, state_name, input, created_at, deadline,
          heartbeat_seconds) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (token) DO NOTHING
        """,
        [.text(record.token), .text(record.activity), .text(record.executionId), .text(record.stateName),
         .text(record.input.serialized()), .double(record.createdAt), PGValue(record.deadline),
         PGValue(record.heartbeatSeconds)])
    }
  }

  private static let taskColumns =
    "a.token, a.activity, a.execution_id, a.state_name, a.input, a.created_at, a.deadline, a.heartbeat_seconds, a.taken_at, a.worker"

  private static func task(from row: PGRow) throws -> ActivityTaskRecord {
    ActivityTaskRecord(token: try row.text(0), activity: try row.text(1), executionId: try row.text(2),
                       stateName: try row.text(3), input: try row.json(4) ?? .null, createdAt: try row.double(5),
                       deadline: try row.optionalDouble(6), heartbeatSeconds: try row.optionalDouble(7),
                       takenAt: try row.optionalDouble(8), worker: try row.optionalText(9))
  }

  public func activityTask(_ token: String) throws -> ActivityTaskRecord? {
    try session { db in
      try db.query("SELECT \(Self.taskColumns) FROM activity_tasks a WHERE a.token = ?", [.text(token)]).first.map(Self.task(from:))
    }
  }

  public func takeActivityTask(activity: String, worker: String?, now: Double) throws -> ActivityTaskRecord? {
    try transaction { db in
      // Only the task row is locked (`OF a`): the execution's row stays free for its owner's commits.
      guard var record = try db.query(
        """
        SELECT \(Self.taskColumns) FROM activity_tasks a
          JOIN task_tokens t ON t.token = a.token JOIN executions e ON e.id = a.execution_id
        WHERE a.activity = ? AND a.taken_at IS NULL AND t.status = 'PENDING' AND e.status = 'RUNNING'
          AND (a.deadline IS NULL OR a.deadline > ?)
        ORDER BY a.created_at LIMIT 1
        FOR UPDATE OF a SKIP LOCKED
        """, [.text(activity), .double(now)]).first.map(Self.task(from:))
      else { return nil }
      // `taken_at IS NULL` again: a poller whose snapshot predates another's commit must not take it twice.
      let taken = try db.run("UPDATE activity_tasks SET taken_at = ?, worker = ? WHERE token = ? AND taken_at IS NULL",
                             [.double(now), PGValue(worker), .text(record.token)])
      guard taken == 1 else { return nil }
      try db.run("UPDATE task_tokens SET heartbeat = ? WHERE token = ? AND status = 'PENDING'",
                 [.double(now), .text(record.token)])
      record.takenAt = now
      record.worker = worker
      return record
    }
  }

  // MARK: - Tags

  public func tags(of arn: String) throws -> [(key: String, value: String)] {
    try session { db in
      try db.query("SELECT key, value FROM resource_tags WHERE arn = ? ORDER BY key COLLATE \"C\"", [.text(arn)]) {
        (key: try $0.text(0), value: try $0.text(1))
      }
    }
  }

  public func tag(_ arn: String, _ tags: [(key: String, value: String)]) throws {
    try transaction { db in
      for (key, value) in tags {
        try db.run(
          "INSERT INTO resource_tags (arn, key, value) VALUES (?,?,?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
          [.text(arn), .text(key), .text(value)])
      }
    }
  }

  public func untag(_ arn: String, keys: [String]) throws {
    try transaction { db in
      for key in keys { try db.run("DELETE FROM resource_tags WHERE arn = ? AND key = ?", [.text(arn), .text(key)]) }
    }
  }
}
