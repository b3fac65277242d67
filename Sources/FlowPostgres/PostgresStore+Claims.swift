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
    // Live leases whose owner is a dead process on this machine (`ExecutionRecord.isOrphaned`), looked at outside
    // the claim's transaction: a serializable transaction that read every running row would conflict with each
    // renewal and commit. Each one found is locked inside it, and skipped when another claim holds it or its owner
    // changed meanwhile.
    let local = try session { db in
      try db.query(
        "SELECT id, owner FROM executions WHERE \(whereClause) AND lease_until >= ? AND starts_with(owner, ?) ORDER BY start_time",
        bindings + [.double(now), .text(host)]) { (try $0.text(0), try $0.text(1)) }
    }.filter { LeaseOwner.isDeadLocalProcess($0.1) }
    return try transaction { db in
      var ids = try db.query(
        """
        SELECT id FROM executions WHERE \(whereClause) AND (lease_until IS NULL OR lease_until < ?)
        ORDER BY start_time LIMIT ? FOR UPDATE SKIP LOCKED
        """, bindings + [.double(now), .int(limit)]) { try $0.text(0) }
      for (id, previous) in local where ids.count < limit {
        let locked = try db.query("SELECT id FROM executions WHERE id = ? AND owner = ? FOR UPDATE SKIP LOCKED",
                                  [.text(id), .text(previous)])
        if !locked.isEmpty { ids.append(id) }
      }
      var claimed: [ClaimedExecution] = []
      for id in ids {
        _ = try db.run("UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1 WHERE id = ?",
                       [.text(owner), .double(until), .text(id)])
        guard let row = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE id = ?", [.text(id)]).first
        else { continue }
        let record = try Self.execution(from: row)
        claimed.append(ClaimedExecution(record: record, fence: LeaseFence(owner: owner, epoch: record.leaseEpoch)))
      }
      return claimed
    }
  }
}
