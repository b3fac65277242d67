import FlowCore
import Foundation

/// Claims of runnable executions (`flow worker`, a Distributed Map's parent running its own children), with
/// `SELECT … FOR UPDATE SKIP LOCKED`: claimers running at once each lock different rows, none waits for another.
extension PostgresStore {
  public func claimExecutions(owner: String, limit: Int, until: Double, now: Double, filter: ClaimFilter) throws -> [ClaimedExecution] {
    guard limit > 0, let condition = filter.sqlCondition else { return [] }
    let bindings = condition.texts.map(PGValue.text)
    let host = ProcessInfo.processInfo.hostName + ":"
    let whereClause = condition.sql
    // One statement takes the runnable rows it could lock (READ COMMITTED: a row whose lease was renewed since the
    // statement began is re-checked on its newest version and skipped), so a claim never conflicts with a commit.
    let columns = Self.executionColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    var claimed = try session { db in
      try db.query(
        """
        WITH runnable AS (SELECT id FROM executions WHERE \(whereClause) AND (lease_until IS NULL OR lease_until < ?)
          ORDER BY start_time LIMIT ? FOR UPDATE SKIP LOCKED)
        UPDATE executions e SET owner = ?, lease_until = ?, lease_epoch = e.lease_epoch + 1 FROM runnable
        WHERE e.id = runnable.id RETURNING \(columns.joined(separator: ", "))
        """, bindings + [.double(now), .int(limit), .text(owner), .double(until)], Self.execution(from:))
    }
    // Live leases whose owner is a dead process on this machine (`ExecutionRecord.isOrphaned`), each taken only
    // if nobody else locked or took it meanwhile: looked for when the claim came up short, and at least every
    // second (it reads every running execution).
    let lookForDead = localDeadCheck.withLock { last in
      guard claimed.count < limit || now - last >= 1 else { return false }
      last = now
      return true
    }
    guard lookForDead else { return Self.claims(claimed, owner: owner) }
    let local = try session { db in
      try db.query(
        "SELECT id, owner FROM executions WHERE \(whereClause) AND lease_until >= ? AND starts_with(owner, ?) ORDER BY start_time",
        bindings + [.double(now), .text(host)]) { (try $0.text(0), try $0.text(1)) }
    }.filter { LeaseOwner.isDeadLocalProcess($0.1) }
    for (id, previous) in local where claimed.count < limit {
      let taken = try session { db in
        try db.query(
          """
          WITH dead AS (SELECT id FROM executions WHERE id = ? AND owner = ? AND status = 'RUNNING' FOR UPDATE SKIP LOCKED)
          UPDATE executions e SET owner = ?, lease_until = ?, lease_epoch = e.lease_epoch + 1 FROM dead
          WHERE e.id = dead.id RETURNING \(columns.joined(separator: ", "))
          """, [.text(id), .text(previous), .text(owner), .double(until)], Self.execution(from:))
      }
      claimed += taken
    }
    return Self.claims(claimed, owner: owner)
  }

  private static func claims(_ records: [ExecutionRecord], owner: String) -> [ClaimedExecution] {
    records.sorted { $0.startTime < $1.startTime }
      .map { ClaimedExecution(record: $0, fence: LeaseFence(owner: owner, epoch: $0.leaseEpoch)) }
  }
}
