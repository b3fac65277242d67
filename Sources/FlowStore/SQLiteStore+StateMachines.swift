import FlowCore
import Foundation

/// `flow server`'s state machines (tables `state_machines`, migration 6); versions and aliases are in
/// SQLiteStore+Versions.swift.
extension SQLiteStore: StateMachineStore {
  private static let machineColumns = "name, definition, role_arn, type, description, revision, created_at, updated_at"

  private func machine(from row: Statement) -> StateMachineRecord {
    StateMachineRecord(name: row.text(0), definition: row.text(1), roleArn: row.text(2), type: row.text(3),
                       description: row.optionalText(4), revision: row.int(5), createdAt: row.double(6), updatedAt: row.double(7))
  }

  /// Stores a new state machine.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/constraint`` when one of that name exists.
  public func createStateMachine(_ record: StateMachineRecord) throws {
    try locked { db in
      try db.transaction {
        let exists = try db.query("SELECT 1 FROM state_machines WHERE name = ?", [.text(record.name)]) { _ in true }
        if !exists.isEmpty { throw StoreError("a state machine named '\(record.name)' already exists", code: .constraint) }
        _ = try db.run(
          "INSERT INTO state_machines (\(Self.machineColumns)) VALUES (?,?,?,?,?,?,?,?)",
          [.text(record.name), .text(record.definition), .text(record.roleArn), .text(record.type), SQLValue(record.description),
           .int(record.revision), .double(record.createdAt), .double(record.updatedAt)])
      }
    }
  }

  /// Replaces a state machine's definition, role and description, incrementing its revision.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` when there is no machine of that name.
  public func updateStateMachine(_ record: StateMachineRecord) throws {
    try locked { db in
      let changed = try db.run(
        "UPDATE state_machines SET definition = ?, role_arn = ?, description = ?, revision = ?, updated_at = ? WHERE name = ?",
        [.text(record.definition), .text(record.roleArn), SQLValue(record.description), .int(record.revision),
         .double(record.updatedAt), .text(record.name)])
      if changed == 0 { throw StoreError("no state machine named '\(record.name)'", code: .notFound) }
    }
  }

  /// The state machine named `name`, if any.
  public func stateMachine(_ name: String) throws -> StateMachineRecord? {
    try reading { db in
      try db.query("SELECT \(Self.machineColumns) FROM state_machines WHERE name = ?", [.text(name)], machine(from:)).first
    }
  }

  /// Every stored state machine, by name.
  public func stateMachines() throws -> [StateMachineRecord] {
    try reading { db in
      try db.query("SELECT \(Self.machineColumns) FROM state_machines ORDER BY name", [], machine(from:))
    }
  }

  /// Deletes a state machine (its executions stay); returns whether it existed.
  @discardableResult
  public func deleteStateMachine(_ name: String) throws -> Bool {
    try locked { db in try db.run("DELETE FROM state_machines WHERE name = ?", [.text(name)]) > 0 }
  }

  /// The execution of `pipeline` named `name`, if any.
  public func execution(pipeline: String, name: String) throws -> ExecutionRecord? {
    try reading { db in
      try db.query("SELECT \(Self.executionColumns) FROM executions WHERE pipeline = ? AND name = ?",
                   [.text(pipeline), .text(name)], execution(from:)).first
    }
  }

  /// A page of executions, newest first (ties by id), as ``StateMachineStore`` describes it.
  /// - Throws: ``StoreError`` when the store cannot be read.
  public func executions(pipeline: String?, status: ExecutionStatus?, after cursor: ExecutionCursor?, limit: Int,
                         excludingMapRunChildren: Bool) throws -> [ExecutionRecord] {
    var sql = "SELECT \(Self.executionColumns) FROM executions WHERE 1 = 1"
    var bindings: [SQLValue] = []
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
      sql += " AND (start_time < ? OR (start_time = ? AND id < ?))"
      bindings += [.double(cursor.startTime), .double(cursor.startTime), .text(cursor.id)]
    }
    sql += " ORDER BY start_time DESC, id DESC LIMIT ?"
    bindings.append(.int(limit))
    return try reading { db in try db.query(sql, bindings, execution(from:)) }
  }
}
