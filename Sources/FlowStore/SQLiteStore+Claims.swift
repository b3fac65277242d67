import FlowCore
import Foundation

/// Claims of runnable executions (`flow worker`, a Distributed Map's parent running its own children).
extension SQLiteStore {
  public func claimExecutions(owner: String, limit: Int, until: Double, now: Double, filter: ClaimFilter) throws -> [ClaimedExecution] {
    guard limit > 0, let condition = filter.sqlCondition else { return [] }
    let bindings = condition.texts.map(SQLValue.text)
    let host = ProcessInfo.processInfo.hostName + ":"
    return try locked { db in
      // One write transaction (BEGIN IMMEDIATE): no other claimer runs between the look and the lease update.
      try db.transaction {
        let free = try db.query(
          """
          SELECT id FROM executions WHERE \(condition.sql)
            AND (lease_until IS NULL OR lease_until < ?) ORDER BY start_time LIMIT ?
          """, bindings + [.double(now), .int(limit)]) { $0.text(0) }
        var ids = free
        if ids.count < limit {
          // A live lease whose owner is a dead process on this machine (`ExecutionRecord.isOrphaned`).
          let local = try db.query(
            """
            SELECT id, owner FROM executions WHERE \(condition.sql)
              AND lease_until >= ? AND substr(owner, 1, ?) = ? ORDER BY start_time
            """, bindings + [.double(now), .int(host.count), .text(host)]) { ($0.text(0), $0.text(1)) }
          ids += local.filter { LeaseOwner.isDeadLocalProcess($0.1) }.prefix(limit - ids.count).map(\.0)
        }
        var claimed: [ClaimedExecution] = []
        for id in ids {
          try db.run("UPDATE executions SET owner = ?, lease_until = ?, lease_epoch = lease_epoch + 1 WHERE id = ?",
                     [.text(owner), .double(until), .text(id)])
          guard let record = try db.query("SELECT \(Self.executionColumns) FROM executions WHERE id = ?", [.text(id)],
                                          execution(from:)).first else { continue }
          claimed.append(ClaimedExecution(record: record, fence: LeaseFence(owner: owner, epoch: record.leaseEpoch)))
        }
        return claimed
      }
    }
  }
}
