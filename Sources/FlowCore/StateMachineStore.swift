/// What `flow server` keeps of the state machines created through its API: the machines, their published
/// versions and aliases, and their executions listed by machine.
///
/// Contract (the store conformance suite, `ServerStoreTests`, checks it on every store):
/// - a machine's name is unique: ``createStateMachine(_:)`` of an existing name throws
///   ``StoreError/Code/constraint`` and changes nothing;
/// - versions are numbered 1, 2, … per machine, and publishing again from an unchanged revision answers the
///   newest version instead of adding one (AWS's idempotency), even when two servers publish at once;
/// - an alias name is unique per machine: creating an identical alias again answers it, a different one throws
///   ``StoreError/Code/constraint``;
/// - lists are ordered: machines and aliases by name, versions newest first, executions newest first (ties by id).
///
/// Calls may block (disk or network I/O); implementations are safe to share between tasks and processes.
public protocol StateMachineStore: Sendable {
  /// Stores a new state machine.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/constraint`` when one of that name exists.
  func createStateMachine(_ record: StateMachineRecord) throws
  /// Replaces a state machine's definition, role, description and revision.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` when there is no machine of that name.
  func updateStateMachine(_ record: StateMachineRecord) throws
  /// The state machine named `name`, if any.
  func stateMachine(_ name: String) throws -> StateMachineRecord?
  /// Every stored state machine, by name.
  func stateMachines() throws -> [StateMachineRecord]
  /// Deletes a state machine (its executions stay); returns whether it existed.
  @discardableResult
  func deleteStateMachine(_ name: String) throws -> Bool

  /// The execution of `pipeline` named `name`, if any.
  func execution(pipeline: String, name: String) throws -> ExecutionRecord?
  /// A page of executions, newest first (ties by id, descending): of `pipeline` (of every pipeline when nil),
  /// optionally of one status only, starting after `cursor` (the last execution of the previous page), and without
  /// Distributed Map children (``MapRunChildName``) when `excludingMapRunChildren`.
  func executions(pipeline: String?, status: ExecutionStatus?, after cursor: ExecutionCursor?, limit: Int,
                  excludingMapRunChildren: Bool) throws -> [ExecutionRecord]

  /// Publishes the machine's current definition as its next version; when the newest version was published from
  /// the same revision, that version is answered instead. Nil when there is no such machine.
  func publishVersion(of name: String, description: String?, now: Double) throws -> StateMachineVersionRecord?
  /// Version `number` of machine `name`, if published.
  func stateMachineVersion(_ name: String, _ number: Int) throws -> StateMachineVersionRecord?
  /// The versions of a machine, newest first.
  func stateMachineVersions(_ name: String) throws -> [StateMachineVersionRecord]

  /// Stores a new alias, or answers the existing one when it is identical.
  /// - Throws: ``StoreError`` with code ``StoreError/Code/constraint`` when a different alias of that name exists.
  func createAlias(_ record: StateMachineAliasRecord) throws -> StateMachineAliasRecord
  /// The alias `alias` of machine `name`, if any.
  func alias(_ name: String, _ alias: String) throws -> StateMachineAliasRecord?
  /// The aliases of a machine, by alias name.
  func aliases(_ name: String) throws -> [StateMachineAliasRecord]
  /// Replaces an alias's description and routing (nothing happens when it does not exist).
  func updateAlias(_ record: StateMachineAliasRecord) throws
}

extension StateMachineStore {
  /// A page of executions of `pipeline`, Distributed Map children included
  /// (``executions(pipeline:status:after:limit:excludingMapRunChildren:)``).
  public func executions(pipeline: String, status: ExecutionStatus?, after cursor: ExecutionCursor?, limit: Int) throws
    -> [ExecutionRecord] {
    try executions(pipeline: pipeline, status: status, after: cursor, limit: limit, excludingMapRunChildren: false)
  }
}
