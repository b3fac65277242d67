import FlowCore

/// `flow server`'s state machines (table `state_machines`, migration 2) and executions listed by machine, with
/// the same behaviour as SQLite's (`ServerStoreTests` runs on both).
extension PostgresStore: StateMachineStore {
  private static let machineColumns = "name, definition, role_arn, type, description, revision, created_at, updated_at"

  private static func machine(from row: PGRow) throws -> StateMachineRecord {
    StateMachineRecord(name: try row.text(0), definition: try row.text(1), roleArn: try row.text(2), type: try row.text(3),
                       description: try row.optionalText(4), revision: try row.int(5), createdAt: try row.double(6),
                       updatedAt: try row.double(7))
  }

  public func createStateMachine(_ record: StateMachineRecord) throws {
    try transaction { db in
      if !(try db.query("SELECT 1 FROM state_machines WHERE name = ?", [.text(record.name)])).isEmpty {
        throw StoreError("a state machine named '\(record.name)' already exists", code: .constraint)
      }
      try db.run(
        "INSERT INTO state_machines (\(Self.machineColumns)) VALUES (?,?,?,?,?,?,?,?)",
        [.text(record.name), .text(record.definition), .text(record.roleArn), .text(record.type), PGValue(record.description),
         .int(record.revision), .double(record.createdAt), .double(record.updatedAt)])
    }
  }

  public func updateStateMachine(_ record: StateMachineRecord) throws {
    try transaction { db in
      let changed = try db.run(
        "UPDATE state_machines SET definition = ?, role_arn = ?, description = ?, revision = ?, updated_at = ? WHERE name = ?",
        [.text(record.definition), .text(record.roleArn), PGValue(record.description), .int(record.revision),
         .double(record.updatedAt), .text(record.name)])
      if changed == 0 { throw StoreError("no state machine named '\(record.name)'", code: .notFound) }
    }
  }

  public func stateMachine(_ name: String) throws -> StateMachineRecord? {
    try session { db in
      try db.query("SELECT \(Self.machineColumns) FROM state_machines WHERE name = ?", [.text(name)]).first.map(Self.machine(from:))
    }
  }

  public func stateMachines() throws -> [StateMachineRecord] {
    try session { db in
      try db.query("SELECT \(Self.machineColumns) FROM state_machines ORDER BY name COLLATE \"C\"").map(Self.machine(from:))
    }
  }

  @discardableResult
  public func deleteStateMachine(_ name: String) throws -> Bool {
    try transaction { db in try db.run("DELETE FROM state_machines WHERE name = ?", [.text(name)]) > 0 }
  }

  public func execution(pipeline: String, name: String) throws -> ExecutionRecord? {
    try session { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions WHERE pipeline = ? AND name = ?",
                   [.text(pipeline), .text(name)]).first.map(Self.execution(from:))
    }
  }

  public func executions(pipeline: String?, status: ExecutionStatus?, after cursor: ExecutionCursor?, limit: Int,
                         excludingMapRunChildren: Bool) throws -> [ExecutionRecord] {
    var sql = "SELECT \(Self.executionColumns) FROM executions WHERE true"
    var bindings: [PGValue] = []
    if let pipeline {
      sql += " AND pipeline = ?"
      bindings.append(.text(pipeline))
    }
    if excludingMapRunChildren { sql += " AND " + MapRunChildName.notMapRunChildSQL }
    if let status {
      sql += " AND status = ?"
      bindings.append(.text(status.rawValue))
    }
    if let cursor {
      sql += " AND (start_time < ? OR (start_time = ? AND id COLLATE \"C\" < ?))"
      bindings += [.double(cursor.startTime), .double(cursor.startTime), .text(cursor.id)]
    }
    sql += " ORDER BY start_time DESC, id COLLATE \"C\" DESC LIMIT ?"
    bindings.append(.int(limit))
    return try session { db in try db.query(sql, bindings).map(Self.execution(from:)) }
  }
}

extension PostgresStore: StepFunctionsStore {}
