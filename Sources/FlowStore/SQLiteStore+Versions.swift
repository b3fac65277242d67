import FlowCore
import Foundation

extension SQLiteStore {
  private static let versionColumns = "name, version, definition, role_arn, description, revision, created_at"

  private func version(from row: Statement) -> StateMachineVersionRecord {
    StateMachineVersionRecord(name: row.text(0), version: row.int(1), definition: row.text(2), roleArn: row.text(3),
                              description: row.optionalText(4), revision: row.int(5), createdAt: row.double(6))
  }

  /// Publishes the machine's current definition as its next version; when the newest version was published from
  /// the same revision, that version is answered instead (AWS's idempotency). Nil when there is no such machine.
  public func publishVersion(of name: String, description: String?, now: Double) throws -> StateMachineVersionRecord? {
    try locked { db in
      try db.transaction {
        guard let machine = try db.query("SELECT definition, role_arn, revision FROM state_machines WHERE name = ?", [.text(name)], {
          (definition: $0.text(0), role: $0.text(1), revision: $0.int(2))
        }).first else { return nil }
        let latest = try db.query("SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? ORDER BY version DESC LIMIT 1",
                                  [.text(name)], version(from:)).first
        if let latest, latest.revision == machine.revision { return latest }
        let record = StateMachineVersionRecord(name: name, version: (latest?.version ?? 0) + 1, definition: machine.definition,
                                               roleArn: machine.role, description: description, revision: machine.revision,
                                               createdAt: now)
        _ = try db.run("INSERT INTO state_machine_versions (\(Self.versionColumns)) VALUES (?,?,?,?,?,?,?)",
                       [.text(name), .int(record.version), .text(record.definition), .text(record.roleArn),
                        SQLValue(description), .int(record.revision), .double(now)])
        return record
      }
    }
  }

  public func stateMachineVersion(_ name: String, _ number: Int) throws -> StateMachineVersionRecord? {
    try reading { db in
      try db.query("SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? AND version = ?",
                   [.text(name), .int(number)], version(from:)).first
    }
  }

  /// The versions of a machine, newest first.
  public func stateMachineVersions(_ name: String) throws -> [StateMachineVersionRecord] {
    try reading { db in
      try db.query("SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? ORDER BY version DESC",
                   [.text(name)], version(from:))
    }
  }

  private func alias(from row: Statement) throws -> StateMachineAliasRecord {
    let routes = StateMachineAliasRecord.routes(from: try row.json(3))
    return StateMachineAliasRecord(name: row.text(0), alias: row.text(1), description: row.optionalText(2), routing: routes,
                                   createdAt: row.double(4), updatedAt: row.double(5))
  }

  /// Stores a new alias, or answers the existing one when it is identical.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/constraint`` when a different alias of that name exists.
  public func createAlias(_ record: StateMachineAliasRecord) throws -> StateMachineAliasRecord {
    try locked { db in
      try db.transaction {
        if let existing = try db.query("SELECT name, alias, description, routing, created_at, updated_at FROM state_machine_aliases WHERE name = ? AND alias = ?",
                                       [.text(record.name), .text(record.alias)], alias(from:)).first {
          guard existing.routing == record.routing, existing.description == record.description else {
            throw StoreError("the alias '\(record.alias)' exists", code: .constraint)
          }
          return existing
        }
        _ = try db.run("INSERT INTO state_machine_aliases (name, alias, description, routing, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                       [.text(record.name), .text(record.alias), SQLValue(record.description), .text(record.routingJSON),
                        .double(record.createdAt), .double(record.updatedAt)])
        return record
      }
    }
  }

  public func alias(_ name: String, _ alias: String) throws -> StateMachineAliasRecord? {
    try reading { db in
      try db.query("SELECT name, alias, description, routing, created_at, updated_at FROM state_machine_aliases WHERE name = ? AND alias = ?",
                   [.text(name), .text(alias)], self.alias(from:)).first
    }
  }

  public func aliases(_ name: String) throws -> [StateMachineAliasRecord] {
    try reading { db in
      try db.query("SELECT name, alias, description, routing, created_at, updated_at FROM state_machine_aliases WHERE name = ? ORDER BY alias",
                   [.text(name)], alias(from:))
    }
  }

  public func updateAlias(_ record: StateMachineAliasRecord) throws {
    try locked { db in
      _ = try db.run("UPDATE state_machine_aliases SET description = ?, routing = ?, updated_at = ? WHERE name = ? AND alias = ?",
                     [SQLValue(record.description), .text(record.routingJSON), .double(record.updatedAt),
                      .text(record.name), .text(record.alias)])
    }
  }
}
