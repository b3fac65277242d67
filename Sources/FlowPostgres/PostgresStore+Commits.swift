import FlowCore

/// Writing executions: creating one, and committing a batch of its progress, through the server's `flow_commit`
/// function (``PostgresMigrations``).
extension PostgresStore {
  public func create(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord]) throws {
    try transaction { db in
      try insert(record, in: db)
      try write(events: events, scopes: scopes, tokens: [], executionId: record.id, in: db)
    }
  }

  /// Inserts an execution's row (a scheduled run's with its slot), unless its pipeline has an execution of that
  /// name.
  func insert(_ record: ExecutionRecord, scheduledTime: Double? = nil, in db: PGSession) throws {
    let exists = try db.query("SELECT 1 FROM executions WHERE pipeline = ? AND name = ?",
                              [.text(record.pipeline), .text(record.name)])
    if !exists.isEmpty {
      throw StoreError("an execution named '\(record.name)' of pipeline '\(record.pipeline)' already exists", code: .constraint)
    }
    try db.run(
      """
      INSERT INTO executions (id, name, pipeline, pipeline_path, definition, status, input, start_time,
        owner, lease_until, parent_id, lease_epoch, scheduled_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
      """,
      [.text(record.id), .text(record.name), .text(record.pipeline), .text(record.pipelinePath),
       .text(record.definition), .text(record.status.rawValue), .text(record.input.serialized()),
       .double(record.startTime), PGValue(record.owner), PGValue(record.leaseUntil), PGValue(record.parentId),
       .int(record.leaseEpoch), PGValue(scheduledTime)])
  }

  /// One statement, one round trip, outside any transaction of the client's: `flow_commit` locks the execution's
  /// row, checks the fence and writes the batch, or writes nothing when another process took the lease over. A
  /// batch that creates its execution inserts the row first, in one transaction with the commit.
  public func commit(_ batch: CommitBatch) throws {
    guard !batch.isEmpty else { return }
    let written = try batch.create.map { record in
      try transaction { db in
        try insert(record, in: db)
        // The row just inserted carries the fence, so this holds; were it not to, the insert is rolled back too.
        guard try Self.write(CommitRows(batch), executionId: batch.executionId, fence: batch.fence, in: db) else {
          throw StoreError("execution \(batch.executionId): its creating commit did not match its own lease; nothing was written",
                           code: .leaseLost)
        }
        return true
      }
    } ?? session { db in
      try Self.write(CommitRows(batch), executionId: batch.executionId, fence: batch.fence, in: db)
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
    var batch = CommitBatch(executionId: executionId)
    batch.events = events
    batch.scopes = scopes
    batch.tokens = tokens
    guard try Self.write(CommitRows(batch), executionId: executionId, fence: nil, in: db) else {
      throw StoreError("no execution with id '\(executionId)'", code: .notFound)
    }
  }

  /// Calls `flow_commit`; false when the fence no longer holds (or, without one, the execution does not exist).
  private static func write(_ rows: CommitRows, executionId: String, fence: LeaseFence?, in db: PGSession) throws -> Bool {
    let finish = rows.finish
    return try db.query(
      """
      SELECT flow_commit(?::text, ?::text, ?::bigint, ?::bigint[], ?::bigint[], ?::text[], ?::float8[], ?::text[],
        ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::float8[],
        ?::text, ?::text, ?::text, ?::text, ?::float8)
      """,
      [.text(executionId), PGValue(fence?.owner), PGValue(fence?.epoch),
       .ints(rows.events.map(\.id)), .ints(rows.events.map(\.previousId)), .texts(rows.events.map(\.type.rawValue)),
       .doubles(rows.events.map(\.timestamp)), .texts(rows.events.map { $0.storedDetails.serialized() }),
       .texts(rows.scopes.map(\.id)), .texts(rows.scopes.map(\.status.rawValue)),
       .texts(rows.scopes.map { $0.position.serialized() }), .texts(rows.scopes.map { $0.result?.serialized() ?? "" }),
       .texts(rows.tokens.map(\.token)), .texts(rows.tokens.map(\.executionId)), .texts(rows.tokens.map(\.stateName)),
       .texts(rows.tokens.map(\.status.rawValue)), .doubles(rows.tokens.map(\.heartbeat)),
       PGValue(finish?.status.rawValue), PGValue(finish?.output?.serialized()), PGValue(finish?.error),
       PGValue(finish?.cause), PGValue(finish?.stopTime)]
    ).first?.bool(0) ?? false
  }
}

/// A batch's rows as one `flow_commit` call takes them: scopes and tokens unique by id, the last one written
/// winning (one statement cannot update a row twice).
struct CommitRows {
  var events: [HistoryEvent]
  var scopes: [ScopeRecord]
  var tokens: [TaskTokenRecord]
  var finish: ExecutionFinish?

  init(_ batch: CommitBatch) {
    events = batch.events
    scopes = Self.lastOfEach(batch.scopes, by: \.id)
    tokens = Self.lastOfEach(batch.tokens, by: \.token)
    finish = batch.finish
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
