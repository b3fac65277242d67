import FlowExecutor
import Foundation

/// A clock that moves only when a test says so: `sleep(until:)` returns once ``advance(by:)`` has moved the time
/// past it. Executor tests of timeouts, back-offs and waits use it instead of sleeping for real.
public final class ManualClock: ExecutorClock, @unchecked Sendable {
  private struct Sleeper {
    var id: UUID
    var until: Double
    var continuation: CheckedContinuation<Void, any Error>
  }

  // Guarded by `lock`.
  private let lock = NSLock()
  private var time: Double
  private var sleepers: [Sleeper] = []

  public init(now: Double = 1_800_000_000) { time = now }

  public func now() -> Double { lock.withLock { time } }

  /// How many tasks are sleeping on this clock.
  public var sleeping: Int { lock.withLock { sleepers.count } }

  /// The earliest time a sleeper waits for, if any.
  public var nextWake: Double? { lock.withLock { sleepers.map(\.until).min() } }

  public func sleep(until target: Double) async throws {
    let id = UUID()
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let resumeNow: Bool = lock.withLock {
          if target <= time { return true }
          sleepers.append(Sleeper(id: id, until: target, continuation: continuation))
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let cancelled = lock.withLock { () -> Sleeper? in
        guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
        return sleepers.remove(at: index)
      }
      cancelled?.continuation.resume(throwing: CancellationError())
    }
  }

  /// Moves the time forward and wakes every sleeper whose time has come.
  public func advance(by seconds: Double) {
    let due: [Sleeper] = lock.withLock {
      time += seconds
      let due = sleepers.filter { $0.until <= time }
      sleepers.removeAll { $0.until <= time }
      return due
    }
    for sleeper in due { sleeper.continuation.resume() }
  }

  /// Waits (yielding, without sleeping for real) until at least `count` tasks sleep on the clock, or `spins` run out.
  public func waitForSleepers(_ count: Int = 1, spins: Int = 1_000_000) async -> Bool {
    for _ in 0..<spins {
      if sleeping >= count { return true }
      await Task.yield()
    }
    return false
  }
}
