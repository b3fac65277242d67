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
  ]
}
