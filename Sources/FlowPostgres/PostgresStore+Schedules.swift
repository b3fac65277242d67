import FlowCore

/// Scheduled runs (tables `schedule_fires` and `schedule_ticks`, column `executions.scheduled_time`).
///
/// The primary key of `schedule_fires` is `(pipeline, scheduled_time)`; every write that records a slot checks it
/// inside a `SERIALIZABLE` transaction, so when two processes check and write the same slot at once PostgreSQL
/// aborts one of them, which runs again and finds the slot taken (as FlowStore's `BEGIN IMMEDIATE` does on SQLite).
extension PostgresStore: ScheduleStore {
  public func createScheduledExecution(
    _ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord], scheduledTime: Double, firedAt: Double,
    ifBusy: ScheduleFireRecord.Action?
  ) throws -> ScheduleFireRecord.Action? {
    try transaction { db in
      guard try !Self.slotRecorded(record.pipeline, scheduledTime, in: db) else { return nil }
      if let ifBusy, try Self.isBusy(record.pipeline, in: db) {
        guard try Self.insertFire(record.pipeline, scheduledTime, ifBusy, executionId: nil, firedAt: firedAt, in: db) else { return nil }
        return ifBusy
      }
      // The slot's row before the execution's: a process that took the slot at the same moment makes this insert a
      // serialization failure (run again: the slot is taken), where the execution's name would be a unique violation.
      guard try Self.insertFire(record.pipeline, scheduledTime, .started, executionId: record.id, firedAt: firedAt, in: db) else {
        return nil
      }
      try insert(record, scheduledTime: scheduledTime, in: db)
      try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
      return .started
    }
  }

  public func recordFire(pipeline: String, scheduledTime: Double, action: ScheduleFireRecord.Action,
                         firedAt: Double) throws -> Bool {
    try transaction { db in
      guard try !Self.slotRecorded(pipeline, scheduledTime, in: db) else { return false }
      return try Self.insertFire(pipeline, scheduledTime, action, executionId: nil, firedAt: firedAt, in: db)
    }
  }

  public func startQueuedExecution(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord],
                                   scheduledTime: Double) throws -> Bool {
    try transaction { db in
      let oldest = try db.query(
        "SELECT MIN(scheduled_time) FROM schedule_fires WHERE pipeline = ? AND action = 'queued'",
        [.text(record.pipeline)]) { try $0.optionalDouble(0) }.first ?? nil
      guard oldest == scheduledTime, try !Self.hasRunning(record.pipeline, in: db) else { return false }
      try insert(record, scheduledTime: scheduledTime, in: db)
      try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
      try db.run(
        "UPDATE schedule_fires SET action = 'started', execution_id = ? WHERE pipeline = ? AND scheduled_time = ?",
        [.text(record.id), .text(record.pipeline), .double(scheduledTime)])
      return true
    }
  }

  public func lastTick(of pipeline: String) throws -> Double? {
    try session { db in
      try db.query("SELECT last_tick FROM schedule_ticks WHERE pipeline = ?", [.text(pipeline)]) { try $0.double(0) }.first
    }
  }

  public func recordTick(of pipeline: String, at time: Double) throws {
    try transaction { db in
      _ = try db.run(
        """
        INSERT INTO schedule_ticks (pipeline, last_tick) VALUES (?, ?)
        ON CONFLICT (pipeline) DO UPDATE SET last_tick = GREATEST(schedule_ticks.last_tick, excluded.last_tick)
        """, [.text(pipeline), .double(time)])
    }
  }

  public func runningScheduledExecutions(of pipeline: String) throws -> [ExecutionRecord] {
    let ids = try session { db in
      try db.query(
        """
        SELECT id FROM executions WHERE pipeline = ? AND scheduled_time IS NOT NULL AND status = 'RUNNING'
        ORDER BY scheduled_time
        """, [.text(pipeline)]) { try $0.text(0) }
    }
    return try ids.compactMap { try execution($0) }
  }

  public func orphanedExecutions(now: Double, scheduledOnly: Bool) throws -> [ExecutionRecord] {
    let ids = try session { db in
      try db.query(
        """
        SELECT id FROM executions WHERE status = 'RUNNING' AND parent_id IS NULL
          \(scheduledOnly ? "AND scheduled_time IS NOT NULL" : "")
        ORDER BY start_time
        """) { try $0.text(0) }
    }
    // The lease ran out, or its owner is a dead process on this machine (`ExecutionRecord.isOrphaned`).
    return try ids.compactMap { try execution($0) }.filter { $0.isOrphaned(now: now) }
  }

  public func queuedFires(of pipeline: String) throws -> [ScheduleFireRecord] {
    try session { db in
      try db.query(
        "SELECT \(Self.fireColumns) FROM schedule_fires WHERE pipeline = ? AND action = 'queued' ORDER BY scheduled_time",
        [.text(pipeline)], Self.fire(from:))
    }
  }

  public func fires(of pipeline: String?, limit: Int) throws -> [ScheduleFireRecord] {
    try session { db in
      if let pipeline {
        return try db.query(
          "SELECT \(Self.fireColumns) FROM schedule_fires WHERE pipeline = ? ORDER BY scheduled_time DESC LIMIT ?",
          [.text(pipeline), .int(limit)], Self.fire(from:))
      }
      return try db.query("SELECT \(Self.fireColumns) FROM schedule_fires ORDER BY scheduled_time DESC LIMIT ?",
                          [.int(limit)], Self.fire(from:))
    }
  }

  public func scheduledTimes(of executionIds: [String]) throws -> [String: Double] {
    guard !executionIds.isEmpty else { return [:] }
    return try session { db in
      var times: [String: Double] = [:]
      for id in executionIds {
        let time = try db.query("SELECT scheduled_time FROM executions WHERE id = ?", [.text(id)]) {
          try $0.optionalDouble(0)
        }.first ?? nil
        if let time { times[id] = time }
      }
      return times
    }
  }

  // MARK: - Helpers (called inside a transaction)

  private static let fireColumns = "pipeline, scheduled_time, action, execution_id, fired_at"

  private static func fire(from row: PGRow) throws -> ScheduleFireRecord {
    guard let action = ScheduleFireRecord.Action(rawValue: try row.text(2)) else {
      throw StoreError("store: unknown schedule fire action '\(try row.text(2))'")
    }
    return ScheduleFireRecord(pipeline: try row.text(0), scheduledTime: try row.double(1), action: action,
                              executionId: try row.optionalText(3), firedAt: try row.double(4))
  }

  private static func slotRecorded(_ pipeline: String, _ time: Double, in db: PGSession) throws -> Bool {
    try !db.query("SELECT 1 FROM schedule_fires WHERE pipeline = ? AND scheduled_time = ?",
                  [.text(pipeline), .double(time)]) { _ in true }.isEmpty
  }

  private static func hasRunning(_ pipeline: String, in db: PGSession) throws -> Bool {
    try !db.query(
      "SELECT 1 FROM executions WHERE pipeline = ? AND scheduled_time IS NOT NULL AND status = 'RUNNING' LIMIT 1",
      [.text(pipeline)]) { _ in true }.isEmpty
  }

  /// A scheduled execution runs, or a slot waits in the queue (a new slot then queues behind it).
  private static func isBusy(_ pipeline: String, in db: PGSession) throws -> Bool {
    if try hasRunning(pipeline, in: db) { return true }
    return try !db.query("SELECT 1 FROM schedule_fires WHERE pipeline = ? AND action = 'queued' LIMIT 1",
                         [.text(pipeline)]) { _ in true }.isEmpty
  }

  /// Records the slot; false when it is already recorded. Under SERIALIZABLE, `ON CONFLICT DO NOTHING` against a
  /// row committed by a concurrent transaction (one this snapshot can't see) is a serialization failure, so the
  /// transaction runs again and sees the slot taken; a plain insert would be a unique violation.
  private static func insertFire(_ pipeline: String, _ time: Double, _ action: ScheduleFireRecord.Action,
                                 executionId: String?, firedAt: Double, in db: PGSession) throws -> Bool {
    try db.run(
      """
      INSERT INTO schedule_fires (pipeline, scheduled_time, action, execution_id, fired_at) VALUES (?,?,?,?,?)
      ON CONFLICT (pipeline, scheduled_time) DO NOTHING
      """,
      [.text(pipeline), .double(time), .text(action.rawValue), PGValue(executionId), .double(firedAt)]) == 1
  }
}
