import Foundation

/// Runs CPU-bound work (training, scoring) on a thread of its own and awaits it.
///
/// Training blocks for seconds. Swift's cooperative pool — on Linux the global Dispatch queue, as wide as the machine
/// has cores — must not be blocked that long: the executor's other tasks (lease renewal, heartbeats, timeouts) would
/// stall, so a long step would look dead to other processes. `DispatchQueue.global()` is no way out, as it is that
/// same pool, so the work gets a dedicated thread.
func blockingWork<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread { continuation.resume(with: Result { try body() }) }
    thread.stackSize = 8 << 20  // deep tree recursion; Foundation's default for new threads is smaller
    thread.start()
  }
}
