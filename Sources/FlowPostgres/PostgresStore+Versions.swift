import FlowCore

/// Published versions of `flow server`'s state machines and their aliases (tables `state_machine_versions`,
/// `state_machine_aliases`, migration 2). Each write is one serializable transaction, so two servers publishing
/// from the same revision at once get the same version (one of them is retried and finds the other's).
extension PostgresStore {
  private static let versionColumns = "name, version, definition, role_arn, description, revision, created_at"
  private static let aliasColumns = "name, alias, description, routing, created_at, updated_at"

  private static func version(from row: PGRow) throws -> StateMachineVersionRecord {
    StateMachineVersionRecord(name: try row.text(0), version: try row.int(1), definition: try row.text(2),
                              roleArn: try row.text(3), description: try row.optionalText(4), revision: try row.int(5),
                              createdAt: try row.double(6))
  }

  private static func alias(from row: PGRow) throws -> StateMachineAliasRecord {
    StateMachineAliasRecord(name: try row.text(0), alias: try row.text(1), description: try row.optionalText(2),
                            routing: StateMachineAliasRecord.routes(from: try row.json(3)), createdAt: try row.double(4),
                            updatedAt: try row.double(5))
  }

  public func publishVersion(of name: String, description: String?, now: Double) throws -> StateMachineVersionRecord? {
    try transaction { db in
      guard let machine = try db.query("SELECT definition, role_arn, revision FROM state_machines WHERE name = ?", [.text(name)], {
        (definition: try $0.text(0), role: try $0.text(1), revision: try $0.int(2))
      }).first else { return nil }
      let latest = try db.query(
        "SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? ORDER BY version DESC LIMIT 1",
        [.text(name)]).first.map(Self.version(from:))
      if let latest, latest.revision == machine.revision { return latest }
      let record = StateMachineVersionRecord(name: name, version: (latest?.version ?? 0) + 1, definition: machine.definition,
                                             roleArn: machine.role, description: description, revision: machine.revision,
                                             createdAt: now)
      try db.run("INSERT INTO state_machine_versions (\(Self.versionColumns)) VALUES (?,?,?,?,?,?,?)",
                 [.text(name), .int(record.version), .text(record.definition), .text(record.roleArn),
                  PGValue(description), .int(record.revision), .double(now)])
      return record
    }
  }

  public func stateMachineVersion(_ name: String, _ number: Int) throws -> StateMachineVersionRecord? {
    try session { db in
      try db.query("SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? AND version = ?",
                   [.text(name), .int(number)]).first.map(Self.version(from:))
    }
  }

  public func stateMachineVersions(_ name: String) throws -> [StateMachineVersionRecord] {
    try session { db in
      try db.query("SELECT \(Self.versionColumns) FROM state_machine_versions WHERE name = ? ORDER BY version DESC",
                   [.text(name)]).map(Self.version(from:))
    }
  }

  public func createAlias(_ record: StateMachineAliasRecord) throws -> StateMachineAliasRecord {
    try transaction { db in
      if let existing = try db.query("SELECT \(Self.aliasColumns) FROM state_machine_aliases WHERE name = ? AND alias = ?",
                                     [.text(record.name), .text(record.alias)]).first.map(Self.alias(from:)) {
        guard existing.routing == record.routing, existing.description == record.description else {
          throw StoreError("the alias '\(record.alias)' exists", code: .constraint)
        }
        return existing
      }
      try db.run("INSERT INTO state_machine_aliases (\(Self.aliasColumns)) VALUES (?,?,?,?,?,?)",
                 [.text(record.name), .text(record.alias), PGValue(record.description), .text(record.routingJSON),
                  .double(record.createdAt), .double(record.updatedAt)])
      return record
    }
  }

  public func alias(_ name: String, _ alias: String) throws -> StateMachineAliasRecord? {
    try session { db in
      try db.query("SELECT \(Self.aliasColumns) FROM state_machine_aliases WHERE name = ? AND alias = ?",
                   [.text(name), .text(alias)]).first.map(Self.alias(from:))
    }
  }

  public func aliases(_ name: String) throws -> [StateMachineAliasRecord] {
    try session { db in
      try db.query("SELECT \(Self.aliasColumns) FROM state_machine_aliases WHERE name = ? ORDER BY alias COLLATE \"C\"",
                   [.text(name)]).map(Self.alias(from:))
    }
  }

  public func updateAlias(_ record: StateMachineAliasRecord) throws {
    try transaction { db in
      try db.run("UPDATE state_machine_aliases SET description = ?, routing = ?, updated_at = ? WHERE name = ? AND alias = ?",
                 [PGValue(record.description), .text(record.routingJSON), .double(record.updatedAt),
                  .text(record.name), .text(record.alias)])
    }
  }
}
