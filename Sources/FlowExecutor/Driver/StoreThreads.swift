import NIOPosix

/// Threads of their own for the store's blocking calls made from async code.
///
/// Store calls block their thread for a disk flush or a database round trip. Swift's cooperative thread pool has
/// one thread per core (two here), so a commit made on it stalls every other execution of the process until it
/// returns; made here, it waits alone, the cooperative threads go on with other executions, and the store sees
/// as many commits at once as there are executions waiting for one (which a database server flushes together).
public enum StoreThreads {
  /// Enough threads for every execution of a worker or server to wait for a commit at the same time.
  static let pool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 32)
    pool.start()
    return pool
  }()

  /// Runs `call` on one of the store's threads and returns what it returns. Not cancellable: a commit that has
  /// started is always waited for, so an interrupted execution knows what it made durable.
  public static func run<T: Sendable>(_ call: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      pool.submit { state in
        guard case .active = state else { return continuation.resume(throwing: CancellationError()) }
        continuation.resume(with: Result(catching: call))
      }
    }
  }
}
