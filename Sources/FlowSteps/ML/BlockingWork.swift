import Dispatch

/// Runs CPU-bound work (training, scoring) on a Dispatch thread and awaits it.
///
/// Training blocks for seconds; on Swift's cooperative pool (one thread per core) it would starve the executor's
/// other tasks — lease renewal, heartbeats, timeouts — so a long step would look dead to other processes.
func blockingWork<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global(qos: .userInitiated).async {
      continuation.resume(with: Result { try body() })
    }
  }
}
