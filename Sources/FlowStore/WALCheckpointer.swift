import CSQLite
import FlowCore
import Foundation

/// Checkpoints the store's WAL on a thread of its own, so that no commit waits for a checkpoint.
///
/// By default SQLite checkpoints inside the COMMIT that grows the WAL past 1,000 pages: that writer — and, with
/// group commit, every writer queued behind it — waits while the pages are copied into the database file and,
/// with `synchronous=FULL`, synced. Here the write connection's WAL hook (which replaces SQLite's automatic
/// checkpoint) only wakes this thread, which runs a PASSIVE checkpoint on a connection of its own: that copies
/// what no reader still needs without taking the write lock, so commits go on meanwhile. Durability is the
/// WAL's either way: a commit is durable once its frames are synced into the WAL.
final class WALCheckpointer: @unchecked Sendable {
  // `pages`, `stopped` and `checkpoints` are guarded by `condition`; `connection` is used by the thread only.
  private let condition = NSCondition()
  private var pages = 0
  private var stopped = false
  private var checkpoints = 0
  private let connection: SQLiteConnection
  /// The WAL size, in pages, from which a checkpoint runs (SQLite's automatic checkpoint uses 1,000).
  let threshold: Int

  init(path: String, busyTimeout: Double, threshold: Int) throws {
    connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
    self.threshold = max(1, threshold)
    let thread = Thread { [self] in work() }
    thread.name = "flow-wal-checkpoint"
    thread.start()
  }

  /// Makes `writer`'s commits report the WAL's size here instead of checkpointing themselves.
  func attach(to writer: SQLiteConnection) {
    sqlite3_wal_hook(writer.handle, { context, _, _, pages in
      if let context { Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: Int(pages)) }
      return SQLITE_OK
    }, Unmanaged.passUnretained(self).toOpaque())
  }

  /// How many checkpoints this thread ran (for tests).
  var count: Int {
    condition.lock()
    defer { condition.unlock() }
    return checkpoints
  }

  /// Ends the thread (after the checkpoint in progress, if any).
  func stop() {
    condition.lock()
    stopped = true
    condition.signal()
    condition.unlock()
  }

  private func walGrew(to size: Int) {
    guard size >= threshold else { return }
    condition.lock()
    pages = size
    condition.signal()
    condition.unlock()
  }

  private func work() {
    while true {
      condition.lock()
      while pages < threshold && !stopped { condition.wait() }
      if stopped {
        condition.unlock()
        return
      }
      pages = 0
      condition.unlock()
      // A checkpoint that cannot finish (a reader still on old frames, another process checkpointing) is simply
      // tried again after the next commits; a failure leaves the WAL as it is, which is safe.
      sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
      condition.lock()
      checkpoints += 1
      condition.unlock()
    }
  }
}
