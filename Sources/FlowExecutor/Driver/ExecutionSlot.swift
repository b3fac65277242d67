/// A place among the executions a host lets run at once (`flow server --workers`), which an execution gives up
/// while it only waits for a task token's answer (an activity worker, `flow task success`) and takes again when
/// the answer, its timeout or its heartbeat timeout arrives.
///
/// The host sets ``ExecutionSlots/current`` around ``Executor/run(_:pipeline:)``; the executor calls
/// ``release()`` before waiting and ``reacquire()`` after, in pairs, from any of the execution's scopes (a Parallel
/// branch or Map iteration waiting calls them too). With no slot set nothing changes.
public protocol ExecutionSlot: Sendable {
  /// The execution starts waiting: it needs no place to run until ``reacquire()``.
  func release()
  /// The wait is over: returns when the execution may run again (at once if the host is stopping).
  func reacquire() async
}

/// The ``ExecutionSlot`` of the execution running in the current task, if its host set one.
public enum ExecutionSlots {
  @TaskLocal public static var current: (any ExecutionSlot)?

  /// Runs `wait` with the current slot given up meanwhile.
  static func released<T>(_ wait: () async throws -> T) async throws -> T {
    guard let slot = current else { return try await wait() }
    slot.release()
    let outcome: Result<T, any Error>
    do { outcome = .success(try await wait()) } catch { outcome = .failure(error) }
    await slot.reacquire()
    return try outcome.get()
  }
}
