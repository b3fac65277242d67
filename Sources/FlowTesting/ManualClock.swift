import FlowCore
import FlowExecutor
import Foundation

/// A clock that moves only when a test says so: `sleep(until:)` returns once ``advance(by:)`` has moved the time
/// past it. Executor tests of timeouts, back-offs and waits use it instead of sleeping for real.
public final class ManualClock: ExecutorClock, Sendable {
  private struct Sleeper {
    var id: UUID
    var until: Double
    var continuation: CheckedContinuation<Void, any Error>
  }

  private struct Fields {
    var time: Double
    var sleepers: [Sleeper] = []
  }
  private let fields: Locked<Fields>

  public init(now: Double = 1_800_000_000) { fields = Locked(Fields(time: now)) }

  public func now() -> Double { fields.withLock { $0.time } }

  /// How many tasks are sleeping on this clock.
  public var sleeping: Int { fields.withLock { $0.sleepers.count } }

  /// The earliest time a sleeper waits for, if any.
  public var nextWake: Double? { fields.withLock { $0.sleepers.map(\.until).min() } }

  public func sleep(until target: Double) async throws {
    let id = UUID()
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let resumeNow: Bool = fields.withLock { fields in
          if target <= fields.time { return true }
          fields.sleepers.append(Sleeper(id: id, until: target, continuation: continuation))
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let cancelled = fields.withLock { fields -> Sleeper? in
        guard let index = fields.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
        return fields.sleepers.remove(at: index)
      }
      cancelled?.continuation.resume(throwing: CancellationError())
    }
  }

  /// Moves the time forward and wakes every sleeper whose time has come.
  public func advance(by seconds: Double) {
    let due: [Sleeper] = fields.withLock { fields in
      fields.time += seconds
      let time = fields.time
      let due = fields.sleepers.filter { $0.until <= time }
      fields.sleepers.removeAll { $0.until <= time }
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
