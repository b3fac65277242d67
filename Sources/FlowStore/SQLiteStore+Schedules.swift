import FlowCore

/// Scheduled runs (tables `schedule_fires` and `schedule_ticks`, column `executions.scheduled_time`).
///
/// The primary key of `schedule_fires` is `(pipeline, scheduled_time)`; every write that records a slot checks it
/// inside a `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock first, so the check and the write
/// can't interleave with another process doing the same.
extension SQLiteStore: ScheduleStore {
  public func createScheduledExecution(
    _ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord], scheduledTime: Double, firedAt: Double,
    ifBusy: ScheduleFireRecord.Action?
  ) throws -> ScheduleFireRecord.Action? {
    try locked { db in
      try db.transaction {
        guard try !Self.slotRecorded(record.pipeline, scheduledTime, in: db) else { return nil }
        if let ifBusy, try Self.isBusy(record.pipeline, in: db) {
          try Self.insertFire(record.pipeline, scheduledTime, ifBusy, executionId: nil, firedAt: firedAt, in: db)
          return ifBusy
        }
        try insert(record, scheduledTime: scheduledTime, in: db)
        try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
        try Self.insertFire(record.pipeline, scheduledTime, .started, executionId: record.id, firedAt: firedAt, in: db)
        return .started
      }
    }
  }

  public func recordFire(pipeline: String, scheduledTime: Double, action: ScheduleFireRecord.Action,
                         firedAt: Double) throws -> Bool {
    try locked { db in
      try db.transaction {
        guard try !Self.slotRecorded(pipeline, scheduledTime, in: db) else { return false }
        try Self.insertFire(pipeline, scheduledTime, action, executionId: nil, firedAt: firedAt, in: db)
        return true
      }
    }
  }

  public func startQueuedExecution(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord],
                                   scheduledTime: Double) throws -> Bool {
    try locked { db in
      try db.transaction {
        let oldest = try db.query(
          "SELECT MIN(scheduled_time) FROM schedule_fires WHERE pipeline = ? AND action = 'queued'",
          [.text(record.pipeline)]) { $0.optionalDouble(0) }.first ?? nil
        guard oldest == scheduledTime, try !Self.hasRunning(record.pipeline, in: db) else { return false }
        try insert(record, scheduledTime: scheduledTime, in: db)
        try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
        try db.run(
          "UPDATE schedule_fires SET action = 'started', execution_id = ? WHERE pipeline = ? AND scheduled_time = ?",
          [.text(record.id), .text(record.pipeline), .double(scheduledTime)])
        return true
      }
    }
  }

  public func lastTick(of pipeline: String) throws -> Double? {
    try locked { db in
      try db.query("SELECT last_tick FROM schedule_ticks WHERE pipeline = ?", [.text(pipeline)]) { $0.double(0) }.first
    }
  }

  public func recordTick(of pipeline: String, at time: Double) throws {
    try locked { db in
      _ = try db.run(
        """
        INSERT INTO schedule_ticks (pipeline, last_tick) VALUES (?, ?)
        ON CONFLICT (pipeline) DO UPDATE SET last_tick = MAX(last_tick, excluded.last_tick)
        """, [.text(pipeline), .double(time)])
    }
  }

  public func runningScheduledExecutions(of pipeline: String) throws -> [ExecutionRecord] {
    let ids = try locked { db in
      try db.query(
        """
        SELECT id FROM executions WHERE pipeline = ? AND scheduled_time IS NOT NULL AND status = 'RUNNING'
        ORDER BY scheduled_time
        """, [.text(pipeline)]) { $0.text(0) }
    }
    return try ids.compactMap { try execution($0) }
  }

  public func orphanedExecutions(now: Double, scheduledOnly: Bool) throws -> [ExecutionRecord] {
    let ids = try locked { db in
      try db.query(
        """
        SELECT id FROM executions WHERE status = 'RUNNING' AND parent_id IS NULL
          \(scheduledOnly ? "AND scheduled_time IS NOT NULL" : "")
        ORDER BY start_time
        """) { $0.text(0) }
    }
    // The lease ran out, or its owner is a dead process on this machine (`ExecutionRecord.isOrphaned`).
    return try ids.compactMap { try execution($0) }.filter { $0.isOrphaned(now: now) }
  }

  public func queuedFires(of pipeline: String) throws -> [ScheduleFireRecord] {
    try locked { db in
      try db.query(
        "SELECT \(Self.fireColumns) FROM schedule_fires WHERE pipeline = ? AND action = 'queued' ORDER BY scheduled_time",
        [.text(pipeline)], Self.fire(from:))
    }
  }

  public func fires(of pipeline: String?, limit: Int) throws -> [ScheduleFireRecord] {
    try locked { db in
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
    return try locked { db in
      var times: [String: Double] = [:]
      for id in executionIds {
        let time = try db.query("SELECT scheduled_time FROM executions WHERE id = ?", [.text(id)]) {
          $0.optionalDouble(0)
        }.first ?? nil
        if let time { times[id] = time }
      }
      return times
    }
  }

  // MARK: - Helpers (called inside a transaction)

  private static let fireColumns = "pipeline, scheduled_time, action, execution_id, fired_at"

  private static func fire(from row: Statement) throws -> ScheduleFireRecord {
    guard let action = ScheduleFireRecord.Action(rawValue: row.text(2)) else {
      throw StoreError("store: unknown schedule fire action '\(row.text(2))'")
    }
    return ScheduleFireRecord(pipeline: row.text(0), scheduledTime: row.double(1), action: action,
                              executionId: row.optionalText(3), firedAt: row.double(4))
  }

  private static func slotRecorded(_ pipeline: String, _ time: Double, in db: SQLiteConnection) throws -> Bool {
    try !db.query("SELECT 1 FROM schedule_fires WHERE pipeline = ? AND scheduled_time = ?",
                  [.text(pipeline), .double(time)]) { _ in true }.isEmpty
  }

  private static func hasRunning(_ pipeline: String, in db: SQLiteConnection) throws -> Bool {
    try !db.query(
      "SELECT 1 FROM executions WHERE pipeline = ? AND scheduled_time IS NOT NULL AND status = 'RUNNING' LIMIT 1",
      [.text(pipeline)]) { _ in true }.isEmpty
  }

  /// A scheduled execution runs, or a slot waits in the queue (a new slot then queues behind it).
  private static func isBusy(_ pipeline: String, in db: SQLiteConnection) throws -> Bool {
    if try hasRunning(pipeline, in: db) { return true }
    return try !db.query("SELECT 1 FROM schedule_fires WHERE pipeline = ? AND action = 'queued' LIMIT 1",
                         [.text(pipeline)]) { _ in true }.isEmpty
  }

  private static func insertFire(_ pipeline: String, _ time: Double, _ action: ScheduleFireRecord.Action,
                                 executionId: String?, firedAt: Double, in db: SQLiteConnection) throws {
    try db.run(
      "INSERT INTO schedule_fires (pipeline, scheduled_time, action, execution_id, fired_at) VALUES (?,?,?,?,?)",
      [.text(pipeline), .double(time), .text(action.rawValue), SQLValue(executionId), .double(firedAt)])
  }
}
