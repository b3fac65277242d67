import FlowCore

/// Writing executions: creating one, committing a batch of its progress, and the one statement both use.
extension PostgresStore {
  public func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    do {
      try session { db in
        _ = try write(
          target: """
            INSERT INTO executions (id, name, pipeline, pipeline_path, definition, status, input, start_time,
              owner, lease_until, parent_id, lease_epoch) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id
            """,
          [.text(record.id), .text(record.name), .text(record.pipeline), .text(record.pipelinePath),
           .text(record.definition), .text(record.status.rawValue), .text(record.input.serialized()),
           .double(record.startTime), PGValue(record.owner), PGValue(record.leaseUntil), PGValue(record.parentId),
           .int(record.leaseEpoch)],
          executionId: record.id, rows: CommitRows(events: events, scopes: scopes), in: db)
      }
    } catch let error as StoreError where error.code == .constraint {
      let named = try session { db in
        try db.query("SELECT 1 FROM executions WHERE pipeline = ? AND name = ?", [.text(record.pipeline), .text(record.name)])
      }
      guard !named.isEmpty else { throw error }
      throw StoreError("an execution named '\(record.name)' of pipeline '\(record.pipeline)' already exists", code: .constraint)
    }
  }

  /// One statement, one round trip: it locks the execution's row, checks the fence, and writes the batch, or
  /// writes nothing when another process took the lease over.
  public func commit(_ batch: CommitBatch) throws {
    guard !batch.isEmpty else { return }
    let target = batch.fence.map { fence in
      ("SELECT id FROM executions WHERE id = ? AND owner = ? AND lease_epoch = ? FOR UPDATE",
       [PGValue.text(batch.executionId), .text(fence.owner), .int(fence.epoch)])
    } ?? ("SELECT id FROM executions WHERE id = ? FOR UPDATE", [.text(batch.executionId)])
    let written = try session { db in
      try write(target: target.0, target.1, executionId: batch.executionId,
                rows: CommitRows(events: batch.events, scopes: batch.scopes, tokens: batch.tokens, finish: batch.finish), in: db)
    }
    guard !written else { return }
    guard let fence = batch.fence else {
      throw StoreError("no execution with id '\(batch.executionId)'", code: .notFound)
    }
    let current = try session { db in
      try db.query("SELECT owner, lease_epoch FROM executions WHERE id = ?", [.text(batch.executionId)]).first.flatMap { row in
        try row.optionalText(0).map { LeaseFence(owner: $0, epoch: try row.int(1)) }
      }
    }
    throw StoreError(
      "execution \(batch.executionId): this process (\(fence.owner), lease epoch \(fence.epoch)) no longer holds its lease; "
        + "\(current.map { "\($0.owner) took it over (epoch \($0.epoch))" } ?? "the execution is gone"); nothing was written",
      code: .leaseLost)
  }

  /// Writes `events`, `scopes` and `tokens` for an execution that exists (inside a caller's transaction).
  func write(events: [HistoryEvent], scopes: [ScopeRecord], tokens: [TaskTokenRecord], executionId: String,
             in db: PGSession) throws {
    _ = try write(target: "SELECT ?::text AS id", [.text(executionId)], executionId: executionId,
                  rows: CommitRows(events: events, scopes: scopes, tokens: tokens), in: db)
  }

  /// Runs `target` — a statement returning the execution's row (the fence's row lock, the new execution's insert,
  /// a re-opening update) — and, in the same statement and only when it returned a row, writes `rows`: events and
  /// scopes and tokens as multi-row inserts from arrays, and the execution's ending (which also ends its lease).
  /// Returns whether `target` returned a row.
  func write(target: String, _ targetValues: [PGValue], executionId: String, rows: CommitRows, in db: PGSession) throws -> Bool {
    var sql = "WITH target AS (\(target))"
    var values = targetValues
    let whenTarget = "WHERE EXISTS (SELECT 1 FROM target)"
    if !rows.events.isEmpty {
      sql += """
        , new_events AS (INSERT INTO events (execution_id, id, previous_id, type, timestamp, details)
          SELECT ?, * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::float8[], ?::text[]) \(whenTarget))
        """
      values += [.text(executionId), .ints(rows.events.map(\.id)), .ints(rows.events.map(\.previousId)),
                 .texts(rows.events.map(\.type.rawValue)), .doubles(rows.events.map(\.timestamp)),
                 .texts(rows.events.map { $0.storedDetails.serialized() })]
    }
    if !rows.scopes.isEmpty {
      // A scope without a result has '' (serialized JSON is never empty) in the array, NULL in the table.
      sql += """
        , new_scopes AS (INSERT INTO scopes (execution_id, id, status, position, result)
          SELECT ?, s.id, s.status, s.position, NULLIF(s.result, '')
          FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS s(id, status, position, result) \(whenTarget)
          ON CONFLICT (execution_id, id) DO UPDATE SET status = excluded.status, position = excluded.position,
            result = excluded.result)
        """
      values += [.text(executionId), .texts(rows.scopes.map(\.id)), .texts(rows.scopes.map(\.status.rawValue)),
                 .texts(rows.scopes.map { $0.position.serialized() }), .texts(rows.scopes.map { $0.result?.serialized() ?? "" })]
    }
    if !rows.tokens.isEmpty {
      // As SQLite's INSERT OR REPLACE: a token written again starts over (pending, no answer).
      sql += """
        , new_tokens AS (INSERT INTO task_tokens (token, execution_id, state_name, status, heartbeat)
          SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::float8[]) \(whenTarget)
          ON CONFLICT (token) DO UPDATE SET execution_id = excluded.execution_id, state_name = excluded.state_name,
            status = excluded.status, output = NULL, error = NULL, cause = NULL, heartbeat = excluded.heartbeat)
        """
      values += [.texts(rows.tokens.map(\.token)), .texts(rows.tokens.map(\.executionId)), .texts(rows.tokens.map(\.stateName)),
                 .texts(rows.tokens.map(\.status.rawValue)), .doubles(rows.tokens.map(\.heartbeat))]
    }
    if let finish = rows.finish {
      sql += """
        , finished AS (UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_time = ?, lease_until = NULL
          WHERE id = ? AND EXISTS (SELECT 1 FROM target))
        """
      values += [.text(finish.status.rawValue), PGValue(finish.output?.serialized()), PGValue(finish.error),
                 PGValue(finish.cause), .double(finish.stopTime), .text(executionId)]
    }
    sql += " SELECT count(*) FROM target"
    return try db.query(sql, values).first?.int(0) ?? 0 > 0
  }
}

/// The rows one write statement carries. Scopes and tokens are unique by id, the last one written winning (one
/// statement cannot update a row twice).
struct CommitRows {
  var events: [HistoryEvent]
  var scopes: [ScopeRecord]
  var tokens: [TaskTokenRecord]
  var finish: ExecutionFinish?

  init(events: [HistoryEvent], scopes: [ScopeRecord], tokens: [TaskTokenRecord] = [], finish: ExecutionFinish? = nil) {
    self.events = events
    self.scopes = Self.lastOfEach(scopes, by: \.id)
    self.tokens = Self.lastOfEach(tokens, by: \.token)
    self.finish = finish
  }

  private static func lastOfEach<T>(_ items: [T], by key: (T) -> String) -> [T] {
    var index: [String: Int] = [:]
    var result: [T] = []
    for item in items {
      if let at = index[key(item)] { result[at] = item } else {
        index[key(item)] = result.count
        result.append(item)
      }
    }
    return result
  }
}
