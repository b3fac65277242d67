/// Where executions make the store's blocking calls from async code: on the ``BlockingThreadPool``.
///
/// Store calls block their thread for a disk flush or a database round trip. Swift's cooperative thread pool has
/// one thread per core (two here), so a commit made on it stalls every other execution of the process until it
/// returns; made here, it waits alone, the cooperative threads go on with other executions, and the store sees
/// as many commits at once as there are executions waiting for one (which a database server flushes together,
/// and the SQLite store groups into one transaction).
public enum StoreThreads {
  /// Runs `call` on one of the pool's threads and returns what it returns. Not cancellable: a commit that has
  /// started is always waited for, so an interrupted execution knows what it made durable.
  public static func run<T: Sendable>(_ call: @escaping @Sendable () throws -> T) async throws -> T {
    try await withTaskExecutorPreference(BlockingThreadPool.shared) { try call() }
  }
}
