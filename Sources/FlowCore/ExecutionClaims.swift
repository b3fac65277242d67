/// Which runnable executions a claim (``ExecutionStore/claimExecutions(owner:limit:until:now:filter:)``) may take.
///
/// Runnable means `RUNNING` with no live owner — its lease released (`flow run --queue`, a draining worker, a queued
/// Distributed Map child) or run out, or its owner a process on this machine that is gone
/// (``ExecutionRecord/isOrphaned(now:)``) — and either top-level or a child of a Distributed Map's run
/// (``MapRunChildName``). `flow:pipeline` children are left to their parent, which waits for them in process.
public struct ClaimFilter: Sendable, Equatable {
  /// Only executions of these pipelines (by name); `nil` takes any.
  public var pipelines: Set<String>?
  /// Only the Distributed Map children of this execution (a parent running its own map run); `nil` takes any.
  public var parentId: String?

  /// Creates a filter; the default takes every runnable execution.
  public init(pipelines: Set<String>? = nil, parentId: String? = nil) {
    self.pipelines = pipelines
    self.parentId = parentId
  }

  /// The claimable rows as an SQL condition on `executions` (the same text for SQLite and PostgreSQL, with `?`
  /// placeholders): `RUNNING`, top-level or a Distributed Map child, and the filter's own conditions; with the text
  /// values to bind, in order. Nil when the filter admits nothing (an empty set of pipelines).
  public var sqlCondition: (sql: String, texts: [String])? {
    var conditions = ["status = 'RUNNING'", MapRunChildName.topLevelOrMapRunChildSQL]
    var texts: [String] = []
    if let parentId {
      conditions.append("parent_id = ?")
      texts.append(parentId)
    }
    if let pipelines {
      guard !pipelines.isEmpty else { return nil }
      conditions.append("pipeline IN (\(Array(repeating: "?", count: pipelines.count).joined(separator: ",")))")
      texts += pipelines.sorted()
    }
    return (conditions.joined(separator: " AND "), texts)
  }

  /// True when `record` passes the filter's pipeline and parent conditions (not the runnable rule).
  public func admits(_ record: ExecutionRecord) -> Bool {
    guard pipelines?.contains(record.pipeline) ?? true else { return false }
    if let parentId { return record.parentId == parentId && MapRunChildName.isChild(record.name, of: parentId) }
    return record.parentId == nil || MapRunChildName.isChild(record.name, of: record.parentId ?? "")
  }
}

/// An execution taken by a claim, with the fence its lease was taken under.
public struct ClaimedExecution: Sendable, Equatable {
  /// The execution as it is after the claim (owner and lease set).
  public var record: ExecutionRecord
  /// The lease to run it under (its epoch was bumped by the claim).
  public var fence: LeaseFence

  /// Creates a claimed execution.
  public init(record: ExecutionRecord, fence: LeaseFence) {
    self.record = record
    self.fence = fence
  }
}

/// How a Distributed Map names its child executions: `<parent id>/<map state's child prefix>/<item index>`, so a
/// resumed (or re-claimed) parent finds the children it created, and a claim can tell them from `flow:pipeline`
/// children.
public enum MapRunChildName {
  /// The name of item `index`'s child of the map run whose children's ids start with `prefix`.
  public static func name(parentId: String, prefix: String, index: Int) -> String {
    "\(parentId)/\(prefix)/\(index)"
  }

  /// True when `name` is the name of a Distributed Map child of `parentId`.
  public static func isChild(_ name: String, of parentId: String) -> Bool {
    !parentId.isEmpty && name.hasPrefix(parentId + "/")
  }

  /// The SQL condition (same text for SQLite and PostgreSQL) that a row of `executions` is top-level or a
  /// Distributed Map child.
  public static let topLevelOrMapRunChildSQL =
    "(parent_id IS NULL OR substr(name, 1, length(parent_id) + 1) = parent_id || '/')"

  /// The SQL condition (same text for SQLite and PostgreSQL) that a row of `executions` is not a Distributed Map
  /// child.
  public static let notMapRunChildSQL = "NOT (parent_id IS NOT NULL AND substr(name, 1, length(parent_id) + 1) = parent_id || '/')"
}
