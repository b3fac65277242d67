import CSQLite
import FlowCore
import Foundation

/// Group commit: writers that arrive while a transaction is being written share the next one, and so one sync of
/// the WAL.
///
/// With `synchronous=FULL` every COMMIT waits for the disk (0.2 ms on an idle disk, tens of milliseconds on one
/// shared with compilers), and the store has one write connection: without grouping, a StartExecution queues
/// behind each running execution's commit, one sync after another. Here each writer queues its write and waits;
/// whichever waiting writer finds no transaction in progress leads: it takes every write queued, runs each in its
/// own SAVEPOINT inside one `BEGIN IMMEDIATE … COMMIT`, and wakes the others. So a writer waits for at most the
/// transaction in progress and its own, however many writers there are.
///
/// - A write that throws is rolled back to its savepoint alone: its writer gets the error, the others commit.
/// - Every writer returns only after the COMMIT that carried its write: durability is that of a lone commit.
/// - When the transaction as a whole fails (the store busy with another process at BEGIN, an I/O error at
///   COMMIT) every write of the group gets that error and nothing of it is written.
final class GroupCommit: @unchecked Sendable {
  // Every mutable property below is guarded by `condition`.
  private let condition = NSCondition()
  private var queue: [Write] = []
  private var leading = false
  private var groups = 0
  private let connection: Locked<SQLiteConnection>

  init(connection: Locked<SQLiteConnection>) { self.connection = connection }

  /// One write, waiting for (or carried by) a group's transaction. Its properties are handed from its writer's
  /// thread to the leader's and back under `condition` (the writer is blocked meanwhile).
  private final class Write: @unchecked Sendable {
    let body: (SQLiteConnection) throws -> Void
    var error: (any Error)?
    var done = false
    init(_ body: @escaping (SQLiteConnection) throws -> Void) { self.body = body }
  }

  /// Runs `body` inside a write transaction shared with the writes queued meanwhile; returns once it is
  /// committed.
  /// - Throws: what `body` throws (its own changes are then undone), or the transaction's ``StoreError``.
  func perform<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    var result: T?
    try withoutActuallyEscaping(body) { body in
      // `body` is called (by whichever thread leads) before `wait(for:)` returns, so it does not escape.
      try wait(for: Write { db in result = try body(db) })
    }
    guard let result else { throw StoreError("store: a grouped write finished without running") }
    return result
  }

  /// How many writes wait for a transaction, and how many group transactions were written (for tests).
  var counts: (queued: Int, groups: Int) {
    condition.lock()
    defer { condition.unlock() }
    return (queue.count, groups)
  }

  private func wait(for write: Write) throws {
    condition.lock()
    queue.append(write)
    while !write.done {
      if leading {
        condition.wait()
        continue
      }
      leading = true
      let group = queue
      queue.removeAll()
      condition.unlock()
      run(group)
      condition.lock()
      for member in group { member.done = true }
      leading = false
      groups += 1
      condition.broadcast()
    }
    condition.unlock()
    if let error = write.error { throw error }
  }

  private func run(_ group: [Write]) {
    do {
      try connection.withLock { db throws in
        if group.count == 1 {
          do { try db.transaction { try group[0].body(db) } } catch { group[0].error = error }
          return
        }
        try db.execute("BEGIN IMMEDIATE")
        do {
          for write in group {
            try db.execute("SAVEPOINT grouped_write")
            do {
              try write.body(db)
              try db.execute("RELEASE grouped_write")
            } catch {
              write.error = error
              // An I/O or full-disk error can make SQLite roll the whole transaction back itself.
              guard !db.isAutocommit else { throw error }
              try db.execute("ROLLBACK TO grouped_write")
              try db.execute("RELEASE grouped_write")
            }
          }
          try db.execute("COMMIT")
        } catch {
          if !db.isAutocommit { try? db.execute("ROLLBACK") }
          throw error
        }
      }
    } catch {
      // Nothing of the group was written: every write that had not failed by itself gets the transaction's error.
      for write in group where write.error == nil { write.error = error }
    }
  }
}

extension SQLiteConnection {
  /// True outside a transaction (SQLite's autocommit mode): no BEGIN is open, or SQLite rolled it back itself.
  var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
}
