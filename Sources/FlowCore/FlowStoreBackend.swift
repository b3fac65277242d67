/// Everything the `flow` commands need of a store, whichever it is (FlowStore's SQLite file or FlowPostgres'
/// PostgreSQL server): executions and their history, scheduled runs, the model registry and artifact lineage.
public protocol FlowStoreBackend: ExecutionStore, ScheduleStore, ModelRegistry, ArtifactCatalog {
  /// The callback tokens still waiting for an answer whose execution is running, oldest first (`flow task list`).
  func pendingTokens() throws -> [TaskTokenRecord]
}
