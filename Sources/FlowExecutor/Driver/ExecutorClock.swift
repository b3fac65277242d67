import Foundation

/// The executor's time: what "now" is and how to wait until a moment. Tests use a manual clock instead of
/// sleeping for real.
public protocol ExecutorClock: Sendable {
  /// Seconds since 1970.
  func now() -> Double
  /// Returns at `time` (at once if it has passed). Throws `CancellationError` when the task is cancelled.
  func sleep(until time: Double) async throws
}

/// The system's wall clock.
public struct SystemClock: ExecutorClock {
  public init() {}
  public func now() -> Double { Date().timeIntervalSince1970 }
  public func sleep(until time: Double) async throws {
    let remaining = time - now()
    if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
    try Task.checkCancellation()
  }
}
