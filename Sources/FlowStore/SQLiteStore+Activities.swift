import FlowCore
import Foundation

/// `flow server`'s activities, activity tasks and tags (migration 7).
extension SQLiteStore: ActivityStore {
  /// Stores an activity unless one of that name exists; returns the stored one.
  @discardableResult
  public func createActivity(_ record: ActivityRecord) throws -> ActivityRecord {
    try locked { db in
      try db.transaction {
        _ = try db.run("INSERT OR IGNORE INTO activities (name, created_at) VALUES (?, ?)",
                       [.text(record.name), .double(record.createdAt)])
        return try db.query("SELECT name, created_at FROM activities WHERE name = ?", [.text(record.name)]) {
          ActivityRecord(name: $0.text(0), createdAt: $0.double(1))
        }.first ?? record
      }
    }
  }

  public func activity(_ name: String) throws -> ActivityRecord? {
    try reading { db in
      try db.query("SELECT name, created_at FROM activities WHERE name = ?", [.text(name)]) {
        ActivityRecord(name: $0.text(0), createdAt: $0.double(1))
      }.first
    }
  }

  /// The activities whose names sort after `after`, by name, at most `limit`.
  public func activities(after: String?, limit: Int) throws -> [ActivityRecord] {
    try locked { db in
      try db.query("SELECT name, created_at FROM activities WHERE name > ? ORDER BY name LIMIT ?",
                   [.text(after ?? ""), .int(limit)]) { ActivityRecord(name: $0.text(0), createdAt: $0.double(1)) }
    }
  }

  /// Deletes an activity (its waiting tasks stay until their executions end); returns whether it existed.
  @discardableResult
  public func deleteActivity(_ name: String) throws -> Bool {
    try locked { db in try db.run("DELETE FROM activities WHERE name = ?", [.text(name)]) > 0 }
  }

  /// Offers an activity task to workers; offering the same token again (after a restart) changes nothing, so a
  /// task is never offered twice.
  public func offerActivityTask(_ record: ActivityTaskRecord) throws {
    try locked { db in
      _ = try db.run(
        """
        INSERT OR IGNORE INTO activity_tasks (token, activity, execution_id, state_name, input, created_at, deadline,
          heartbeat_seconds) VALUES (?,?,?,?,?,?,?,?)
        """,
        [.text(record.token), .text(record.activity), .text(record.executionId), .text(record.stateName),
         .text(record.input.serialized()), .double(record.createdAt), SQLValue(record.deadline), SQLValue(record.heartbeatSeconds)])
    }
  }

  private static let taskColumns =
    "a.token, a.activity, a.execution_id, a.state_name, a.input, a.created_at, a.deadline, a.heartbeat_seconds, a.taken_at, a.worker"

  private func task(from row: Statement) throws -> ActivityTaskRecord {
    ActivityTaskRecord(token: row.text(0), activity: row.text(1), executionId: row.text(2), stateName: row.text(3),
                       input: try row.json(4) ?? .null, createdAt: row.double(5), deadline: row.optionalDouble(6),
                       heartbeatSeconds: row.optionalDouble(7), takenAt: row.optionalDouble(8), worker: row.optionalText(9))
  }

  /// The activity task of `token`, if that token is one.
  public func activityTask(_ token: String) throws -> ActivityTaskRecord? {
    try reading { db in
      try db.query("SELECT \(Self.taskColumns) FROM activity_tasks a WHERE a.token = ?", [.text(token)], task(from:)).first
    }
  }

  /// Takes the oldest task of `activity` no worker has taken whose execution runs, whose token waits and whose
  /// deadline has not passed: marks it taken by `worker` and starts its heartbeat clock at `now`.
  public func takeActivityTask(activity: String, worker: String?, now: Double) throws -> ActivityTaskRecord? {
    try locked { db in
      try db.transaction {
        guard var record = try db.query(
          """
          SELECT \(Self.taskColumns) FROM activity_tasks a
            JOIN task_tokens t ON t.token = a.token JOIN executions e ON e.id = a.execution_id
          WHERE a.activity = ? AND a.taken_at IS NULL AND t.status = 'PENDING' AND e.status = 'RUNNING'
            AND (a.deadline IS NULL OR a.deadline > ?)
          ORDER BY a.created_at LIMIT 1
          """, [.text(activity), .double(now)], task(from:)).first
        else { return nil }
        _ = try db.run("UPDATE activity_tasks SET taken_at = ?, worker = ? WHERE token = ?",
                       [.double(now), SQLValue(worker), .text(record.token)])
        _ = try db.run("UPDATE task_tokens SET heartbeat = ? WHERE token = ? AND status = 'PENDING'",
                       [.double(now), .text(record.token)])
        record.takenAt = now
        record.worker = worker
        return record
      }
    }
  }

  // MARK: - Tags

  /// The tags of a resource, by key.
  public func tags(of arn: String) throws -> [(key: String, value: String)] {
    try reading { db in
      try db.query("SELECT key, value FROM resource_tags WHERE arn = ? ORDER BY key", [.text(arn)]) { ($0.text(0), $0.text(1)) }
    }
  }

  /// Sets tags of a resource (a key already set gets the new value).
  public func tag(_ arn: String, _ tags: [(key: String, value: String)]) throws {
    try locked { db in
      try db.transaction {
        for (key, value) in tags {
          _ = try db.run("INSERT OR REPLACE INTO resource_tags (arn, key, value) VALUES (?,?,?)", [.text(arn), .text(key), .text(value)])
        }
      }
    }
  }

  public func untag(_ arn: String, keys: [String]) throws {
    try locked { db in
      try db.transaction {
        for key in keys { _ = try db.run("DELETE FROM resource_tags WHERE arn = ? AND key = ?", [.text(arn), .text(key)]) }
      }
    }
  }
}

extension SQLiteStore: StepFunctionsStore {}
