import FlowCore
import Foundation

/// The PostgreSQL store's schema, as numbered migrations: the table `flow_schema_version` records how many have
/// run; a new version appends a migration and never edits an old one. They run once per schema, under a
/// PostgreSQL advisory lock, so several processes opening a new store at the same time don't race.
///
/// Migration 1 is the schema FlowStore's SQLite migrations 1–5 build, with the same tables, columns and keys
/// (times as `DOUBLE PRECISION` seconds since 1970, JSON as text, as in SQLite); migration 2 is SQLite's 6 and 7
/// (`flow server`'s state machines, versions, aliases, activities and tags); migration 3 keeps artifact bytes;
/// migration 4 indexes the running executions for claims and adds `flow_commit`.
enum PostgresMigrations {
  static let all: [String] = [
    // 1: executions, history, scopes, callback tokens; scheduled runs; step checkpoints; the model registry,
    // endpoints and artifact lineage; fenced leases (`lease_epoch`).
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
      start_time DOUBLE PRECISION NOT NULL,
      stop_time DOUBLE PRECISION,
      owner TEXT,
      lease_until DOUBLE PRECISION,
      parent_id TEXT,
      redrive_count BIGINT NOT NULL DEFAULT 0,
      stop_requested BIGINT NOT NULL DEFAULT 0,
      scheduled_time DOUBLE PRECISION,
      lease_epoch BIGINT NOT NULL DEFAULT 0,
      UNIQUE (pipeline, name)
    );
    CREATE INDEX executions_by_start ON executions (start_time DESC);
    CREATE INDEX executions_by_parent ON executions (parent_id) WHERE parent_id IS NOT NULL;
    CREATE INDEX executions_by_schedule ON executions (pipeline, scheduled_time) WHERE scheduled_time IS NOT NULL;
    CREATE INDEX executions_by_name ON executions (name);
    CREATE INDEX executions_by_id_prefix ON executions (id text_pattern_ops);
    CREATE TABLE events (
      execution_id TEXT NOT NULL,
      id BIGINT NOT NULL,
      previous_id BIGINT NOT NULL,
      type TEXT NOT NULL,
      timestamp DOUBLE PRECISION NOT NULL,
      details TEXT NOT NULL,
      PRIMARY KEY (execution_id, id)
    );
    CREATE TABLE scopes (
      execution_id TEXT NOT NULL,
      id TEXT NOT NULL,
      status TEXT NOT NULL,
      position TEXT NOT NULL,
      result TEXT,
      PRIMARY KEY (execution_id, id)
    );
    CREATE TABLE task_tokens (
      token TEXT PRIMARY KEY,
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      status TEXT NOT NULL,
      output TEXT,
      error TEXT,
      cause TEXT,
      heartbeat DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE schedule_fires (
      pipeline TEXT NOT NULL,
      scheduled_time DOUBLE PRECISION NOT NULL,
      action TEXT NOT NULL,
      execution_id TEXT,
      fired_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (pipeline, scheduled_time)
    );
    CREATE TABLE schedule_ticks (
      pipeline TEXT PRIMARY KEY,
      last_tick DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE step_checkpoints (
      execution_id TEXT NOT NULL,
      key TEXT NOT NULL,
      seq BIGINT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (execution_id, key, seq)
    );
    CREATE TABLE model_versions (
      model_name TEXT NOT NULL,
      version BIGINT NOT NULL,
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
      approval_time DOUBLE PRECISION,
      description TEXT,
      idempotency_key TEXT UNIQUE,
      created_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (model_name, version)
    );
    CREATE TABLE model_aliases (
      model_name TEXT NOT NULL,
      alias TEXT NOT NULL,
      version BIGINT NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (model_name, alias)
    );
    CREATE TABLE endpoints (
      name TEXT PRIMARY KEY,
      model_name TEXT NOT NULL,
      version BIGINT NOT NULL,
      previous_model_name TEXT,
      previous_version BIGINT,
      execution_id TEXT,
      updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE endpoint_deployments (
      endpoint TEXT NOT NULL,
      seq BIGINT NOT NULL,
      action TEXT NOT NULL,
      model_name TEXT NOT NULL,
      version BIGINT NOT NULL,
      execution_id TEXT,
      idempotency_key TEXT,
      at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (endpoint, seq)
    );
    CREATE TABLE artifacts (
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      hash TEXT NOT NULL,
      path TEXT NOT NULL,
      kind TEXT NOT NULL,
      bytes BIGINT NOT NULL,
      inputs TEXT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (execution_id, state_name, hash)
    );
    CREATE INDEX artifacts_by_hash ON artifacts (hash);
    """,
    // 2: what `flow server` keeps beyond executions, as SQLite's migrations 6 and 7: state machines created through
    // its API, executions listed by state machine (pipeline) newest first, activities and the activity tasks offered
    // to their workers (each the callback token of a waiting Task state, answered through task_tokens), tags of the
    // server's resources, published versions of state machines and their aliases (routing: JSON
    // [{"version": N, "weight": W}]).
    """
    CREATE TABLE state_machines (
      name TEXT PRIMARY KEY,
      definition TEXT NOT NULL,
      role_arn TEXT NOT NULL,
      type TEXT NOT NULL,
      description TEXT,
      revision BIGINT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX executions_by_pipeline ON executions (pipeline, start_time DESC, id DESC);
    CREATE TABLE activities (
      name TEXT PRIMARY KEY,
      created_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE activity_tasks (
      token TEXT PRIMARY KEY,
      activity TEXT NOT NULL,
      execution_id TEXT NOT NULL,
      state_name TEXT NOT NULL,
      input TEXT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      deadline DOUBLE PRECISION,
      heartbeat_seconds DOUBLE PRECISION,
      taken_at DOUBLE PRECISION,
      worker TEXT
    );
    CREATE INDEX activity_tasks_waiting ON activity_tasks (activity, created_at) WHERE taken_at IS NULL;
    CREATE TABLE resource_tags (
      arn TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (arn, key)
    );
    CREATE TABLE state_machine_versions (
      name TEXT NOT NULL,
      version BIGINT NOT NULL,
      definition TEXT NOT NULL,
      role_arn TEXT NOT NULL,
      description TEXT,
      revision BIGINT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (name, version)
    );
    CREATE TABLE state_machine_aliases (
      name TEXT NOT NULL,
      alias TEXT NOT NULL,
      description TEXT,
      routing TEXT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (name, alias)
    );
    """,
    // 3: the bytes of content-addressed artifacts, so a model trained on one host can be served on another:
    // chunks of at most 1 MiB keyed (hash, chunk_index), and one row per blob written last, in the same
    // transaction, so a blob without its row (a writer that died) is never read.
    """
    CREATE TABLE artifact_blob_chunks (
      hash TEXT NOT NULL,
      chunk_index BIGINT NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (hash, chunk_index)
    );
    CREATE TABLE artifact_blobs (
      hash TEXT PRIMARY KEY,
      bytes BIGINT NOT NULL,
      chunks BIGINT NOT NULL,
      created_at DOUBLE PRECISION NOT NULL
    );
    """,
    // 4: the running executions by start time, for claims (`flow worker`) over a long history; `flow_commit`,
    // which writes a batch of an execution's progress in one call whose statements' plans the server keeps (a
    // statement sent from the client is parsed and planned at every call: half the server's time on commits).
    """
    CREATE INDEX executions_running ON executions (start_time) WHERE status = 'RUNNING';
    CREATE FUNCTION flow_commit(
      p_execution TEXT, p_owner TEXT, p_epoch BIGINT,
      e_ids BIGINT[], e_previous BIGINT[], e_types TEXT[], e_times FLOAT8[], e_details TEXT[],
      s_ids TEXT[], s_statuses TEXT[], s_positions TEXT[], s_results TEXT[],
      t_tokens TEXT[], t_executions TEXT[], t_states TEXT[], t_statuses TEXT[], t_heartbeats FLOAT8[],
      f_status TEXT, f_output TEXT, f_error TEXT, f_cause TEXT, f_stop FLOAT8
    ) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
    BEGIN
      -- The fence: the execution's row, locked, still held by (p_owner, p_epoch); no owner given: it exists.
      PERFORM 1 FROM executions WHERE id = p_execution
        AND (p_owner IS NULL OR (owner = p_owner AND lease_epoch = p_epoch)) FOR UPDATE;
      IF NOT FOUND THEN
        RETURN FALSE;
      END IF;
      INSERT INTO events (execution_id, id, previous_id, type, timestamp, details)
        SELECT p_execution, * FROM unnest(e_ids, e_previous, e_types, e_times, e_details);
      -- A scope without a result has '' (serialized JSON is never empty) in the array.
      INSERT INTO scopes (execution_id, id, status, position, result)
        SELECT p_execution, s.id, s.status, s.position, NULLIF(s.result, '')
        FROM unnest(s_ids, s_statuses, s_positions, s_results) AS s(id, status, position, result)
        ON CONFLICT (execution_id, id) DO UPDATE SET status = excluded.status, position = excluded.position,
          result = excluded.result;
      -- As SQLite's INSERT OR REPLACE: a token written again starts over (pending, no answer).
      INSERT INTO task_tokens (token, execution_id, state_name, status, heartbeat)
        SELECT * FROM unnest(t_tokens, t_executions, t_states, t_statuses, t_heartbeats)
        ON CONFLICT (token) DO UPDATE SET execution_id = excluded.execution_id, state_name = excluded.state_name,
          status = excluded.status, output = NULL, error = NULL, cause = NULL, heartbeat = excluded.heartbeat;
      -- The ending also ends the lease.
      IF f_status IS NOT NULL THEN
        UPDATE executions SET status = f_status, output = f_output, error = f_error, cause = f_cause, stop_time = f_stop,
          lease_until = NULL WHERE id = p_execution;
      END IF;
      RETURN TRUE;
    END
    $$;
    """,
  ]

  /// A migration's statements: split at `;` ending a line, except inside a `$$`-quoted function body.
  static func statements(of migration: String) -> [String] {
    var statements: [String] = [], current = ""
    for piece in migration.components(separatedBy: ";\n") {
      current += current.isEmpty ? piece : ";\n" + piece
      guard current.components(separatedBy: "$$").count % 2 == 1 else { continue }
      let sql = current.trimmingCharacters(in: .whitespacesAndNewlines)
      if !sql.isEmpty { statements.append(sql) }
      current = ""
    }
    return statements
  }

  /// Brings `url.schema` up to date on `session`: creates the schema and the version table if needed, and runs
  /// the migrations not run yet, each in its own transaction, while holding an advisory lock keyed by the schema.
  static func migrate(_ session: PGSession, schema: String) throws {
    let key = "flow.migrations." + schema
    try session.query("SELECT pg_advisory_lock(hashtext(?))", [.text(key)])
    defer { _ = try? session.query("SELECT pg_advisory_unlock(hashtext(?))", [.text(key)]) }
    try session.run("CREATE SCHEMA IF NOT EXISTS \(PostgresConnectionPool.quoted(schema))")
    try session.run("CREATE TABLE IF NOT EXISTS flow_schema_version (version BIGINT NOT NULL)")
    let version = try session.query("SELECT MAX(version) FROM flow_schema_version").first?.optionalInt(0) ?? 0
    guard version < all.count else { return }
    for (index, migration) in all.enumerated().dropFirst(version) {
      try session.transaction {
        // One statement at a time: PostgresNIO sends each as a prepared statement, which holds only one.
        for sql in statements(of: migration) { try session.run(sql) }
        try session.run("INSERT INTO flow_schema_version (version) VALUES (?)", [.int(index + 1)])
      }
    }
  }
}
