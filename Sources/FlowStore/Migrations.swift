/// The store's schema, as numbered migrations. `PRAGMA user_version` records how many have run;
/// a new version appends a migration and never edits an old one.
enum Migrations {
  static let all: [String] = [
    // 1: executions, history, scopes, callback tokens.
    """
    CREATE TABLE executions (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      pipeline TEXT NOT NULL,
      pipeline_path TEXT NOT NULL,
      definition TEXT NOT NULL,
      status TEXT NOT NULL,
      input TEXT NOT NULL,
      output TEXT,
      error TEXT,
      cause TEXT,
      start_time REAL NOT NULL,
      stop_time REAL,
      owner TEXT,
      lease_until REAL,
      parent_id TEXT,
      redrive_count INTEGER NOT NULL DEFAULT 0,
      stop_requested INTEGER NOT NULL DEFAULT 0,
      UNIQUE (pipeline, name)
    );
    CREATE INDEX executions_by_start ON executions (start_time DESC);
    CREATE INDEX executions_by_parent ON executions (parent_id) WHERE parent_id IS NOT NULL;
    CREATE TABLE events (
      execution_id TEXT NOT NULL,
      id INTEGER NOT NULL,
      previous_id INTEGER NOT NULL,
      type TEXT NOT NULL,
      timestamp REAL NOT NULL,
      details TEXT NOT NULL,
      PRIMARY KEY (execution_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE scopes (
      execution_id TEXT NOT NULL,
      id TEXT NOT NULL,
      status TEXT NOT NULL,
      position TEXT NOT NULL,
      result TEXT,
      PRIMARY KEY (execution_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE task_tokens (
      token TEXT PRIMARY KEY,
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      status TEXT NOT NULL,
      output TEXT,
      error TEXT,
      cause TEXT,
      heartbeat REAL NOT NULL
    );
    """,
    // 2: scheduled runs. One row per fired slot, keyed (pipeline, scheduled_time) so a slot is recorded once;
    // the last tick of each pipeline; and the slot an execution was started for.
    """
    ALTER TABLE executions ADD COLUMN scheduled_time REAL;
    CREATE INDEX executions_by_schedule ON executions (pipeline, scheduled_time) WHERE scheduled_time IS NOT NULL;
    CREATE TABLE schedule_fires (
      pipeline TEXT NOT NULL,
      scheduled_time REAL NOT NULL,
      action TEXT NOT NULL,
      execution_id TEXT,
      fired_at REAL NOT NULL,
      PRIMARY KEY (pipeline, scheduled_time)
    ) WITHOUT ROWID;
    CREATE TABLE schedule_ticks (
      pipeline TEXT PRIMARY KEY,
      last_tick REAL NOT NULL
    ) WITHOUT ROWID;
    """,
    // 3: a task's own durable progress across its attempts (for example the finished trials of a tuning job),
    // keyed by the task's idempotency key.
    """
    CREATE TABLE step_checkpoints (
      execution_id TEXT NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (execution_id, key, seq)
    ) WITHOUT ROWID;
    """,
    // 4: the model registry (versions with lineage and approval, aliases), endpoints with the version they serve
    // and the one before (for rollback), the log of deployments, and the lineage of content-addressed artifacts.
    """
    CREATE TABLE model_versions (
      model_name TEXT NOT NULL,
      version INTEGER NOT NULL,
      artifact_path TEXT NOT NULL,
      artifact_hash TEXT NOT NULL,
      execution_id TEXT,
      state_name TEXT,
      pipeline_path TEXT,
      pipeline_hash TEXT,
      dataset_hash TEXT,
      algorithm TEXT,
      hyperparameters TEXT NOT NULL,
      metrics TEXT NOT NULL,
      approval_status TEXT NOT NULL,
      approval_note TEXT,
      approval_time REAL,
      description TEXT,
      idempotency_key TEXT UNIQUE,
      created_at REAL NOT NULL,
      PRIMARY KEY (model_name, version)
    ) WITHOUT ROWID;
    CREATE TABLE model_aliases (
      model_name TEXT NOT NULL,
      alias TEXT NOT NULL,
      version INTEGER NOT NULL,
      updated_at REAL NOT NULL,
      PRIMARY KEY (model_name, alias)
    ) WITHOUT ROWID;
    CREATE TABLE endpoints (
      name TEXT PRIMARY KEY,
      model_name TEXT NOT NULL,
      version INTEGER NOT NULL,
      previous_model_name TEXT,
      previous_version INTEGER,
      execution_id TEXT,
      updated_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE endpoint_deployments (
      endpoint TEXT NOT NULL,
      seq INTEGER NOT NULL,
      action TEXT NOT NULL,
      model_name TEXT NOT NULL,
      version INTEGER NOT NULL,
      execution_id TEXT,
      idempotency_key TEXT,
      at REAL NOT NULL,
      PRIMARY KEY (endpoint, seq)
    ) WITHOUT ROWID;
    CREATE TABLE artifacts (
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      hash TEXT NOT NULL,
      path TEXT NOT NULL,
      kind TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      inputs TEXT NOT NULL,
      created_at REAL NOT NULL,
      PRIMARY KEY (execution_id, state_name, hash)
    ) WITHOUT ROWID;
    CREATE INDEX artifacts_by_hash ON artifacts (hash);
    """,
    // 5: fenced leases. Every take-over of an execution's lease increments its epoch; a commit carries the epoch
    // it was made under and is rejected when the execution's epoch has moved on.
    """
    ALTER TABLE executions ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0;
    """,
    // 6: state machines created through `flow server`'s API (CreateStateMachine), and executions listed by
    // state machine (pipeline), newest first.
    """
    CREATE TABLE state_machines (
      name TEXT PRIMARY KEY,
      definition TEXT NOT NULL,
      role_arn TEXT NOT NULL,
      type TEXT NOT NULL,
      description TEXT,
      revision INTEGER NOT NULL,
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX executions_by_pipeline ON executions (pipeline, start_time DESC, id DESC);
    """,
    // 7: `flow server`'s activities (CreateActivity) and the activity tasks offered to their workers (each the
    // callback token of a waiting Task state: answered through task_tokens); tags of the server's resources;
    // published versions of state machines and their aliases (routing: JSON [{"version": N, "weight": W}]).
    """
    CREATE TABLE activities (
      name TEXT PRIMARY KEY,
      created_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE activity_tasks (
      token TEXT PRIMARY KEY,
      activity TEXT NOT NULL,
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      input TEXT NOT NULL,
      created_at REAL NOT NULL,
      deadline REAL,
      heartbeat_seconds REAL,
      taken_at REAL,
      worker TEXT
    );
    CREATE INDEX activity_tasks_waiting ON activity_tasks (activity, created_at) WHERE taken_at IS NULL;
    CREATE TABLE resource_tags (
      arn TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (arn, key)
    ) WITHOUT ROWID;
    CREATE TABLE state_machine_versions (
      name TEXT NOT NULL,
      version INTEGER NOT NULL,
      definition TEXT NOT NULL,
      role_arn TEXT NOT NULL,
      description TEXT,
      revision INTEGER NOT NULL,
      created_at REAL NOT NULL,
      PRIMARY KEY (name, version)
    ) WITHOUT ROWID;
    CREATE TABLE state_machine_aliases (
      name TEXT NOT NULL,
      alias TEXT NOT NULL,
      description TEXT,
      routing TEXT NOT NULL,
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL,
      PRIMARY KEY (name, alias)
    ) WITHOUT ROWID;
    """,
  ]
}
