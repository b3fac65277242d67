import FlowCore
import Foundation

/// Renews an execution's lease, every third of a lease time, on the process's lease thread
/// (``LeaseRenewals``), so renewal never waits for the executor's tasks to get CPU (a long Pass/Choice loop or a
/// busy in-process step still renews), and watches for `flow stop`.
///
/// When renewal finds the lease taken over, or a stop requested, it calls `onEnd` once; the executor then stops
/// performing effects (its next commit would be rejected anyway: commits are fenced).
final class LeaseKeeper: Sendable {
  enum End: Sendable, Equatable {
    case leaseLost(String)
    case stopRequested
  }

  let executionId: String
  let fence: LeaseFence
  private let store: any ExecutionStore
  private let leaseSeconds: Double
  private let onEnd: @Sendable (End) -> Void
  private let stopped = Locked(false)
  private let validUntil: Locked<Double>

  init(store: any ExecutionStore, executionId: String, fence: LeaseFence, leaseSeconds: Double,
       onEnd: @escaping @Sendable (End) -> Void) {
    self.store = store
    self.executionId = executionId
    self.fence = fence
    self.leaseSeconds = leaseSeconds
    self.onEnd = onEnd
    validUntil = Locked(Date().timeIntervalSince1970 + leaseSeconds)
  }

  /// Until when the lease certainly holds (its last renewal plus the lease time).
  var leaseValidUntil: Double { validUntil.value }

  /// How long between renewals.
  var interval: Double { leaseSeconds / 3 }

  func start() {
    LeaseRenewals.shared.schedule(self, at: Date().timeIntervalSince1970 + interval)
  }

  /// Stops renewing (the execution ended here). Does not release the lease.
  func stop() {
    stopped.withLock { $0 = true }
    LeaseRenewals.shared.cancel(self)
  }

  /// Renews the lease once (on the lease thread) and checks for a stop request.
  /// - Returns: whether to renew again.
  func renew() -> Bool {
    if stopped.value { return false }
    let now = Date().timeIntervalSince1970
    do {
      guard try store.renewLease(executionId, fence: fence, until: now + leaseSeconds) else {
        let holder = (try? store.execution(executionId))?.owner ?? "another process"
        end(.leaseLost("the lease of execution \(executionId) was taken over by \(holder) while this process (\(fence.owner)) did not renew it in time"))
        return false
      }
      validUntil.withLock { $0 = now + leaseSeconds }
      if try store.execution(executionId)?.stopRequested == true {
        end(.stopRequested)
        return false
      }
    } catch {
      // A busy or failing store: try again at the next interval; the lease runs out if this goes on.
    }
    return !stopped.value
  }

  private func end(_ reason: End) {
    let first = stopped.withLock { stopped in
      defer { stopped = true }
      return !stopped
    }
    if first { onEnd(reason) }
  }
}

/// The process's lease thread: renews every running execution's lease when it falls due (``LeaseKeeper``).
///
/// One thread for all of them, started with the first: an execution that ends before its first renewal (most
/// short ones) costs an entry in a table, not a thread. Renewals run one after another; each is one short store
/// write.
final class LeaseRenewals: @unchecked Sendable {
  static let shared = LeaseRenewals()

  // Every mutable property below is guarded by `condition`.
  private let condition = NSCondition()
  private var due: [ObjectIdentifier: (keeper: LeaseKeeper, at: Double)] = [:]
  private var started = false
  /// Until when the thread sleeps (infinity: until woken); nil while it is awake, when it looks at `due` before it
  /// sleeps again, so a renewal scheduled meanwhile needs no wake-up.
  private var sleepingUntil: Double?

  /// Renews `keeper` at `at` (seconds since 1970), then every interval until it says to stop.
  func schedule(_ keeper: LeaseKeeper, at: Double) {
    condition.lock()
    due[ObjectIdentifier(keeper)] = (keeper, at)
    let start = !started
    started = true
    if let sleepingUntil, at < sleepingUntil { condition.signal() }
    condition.unlock()
    if start {
      let thread = Thread { [self] in run() }
      thread.name = "flow-leases"
      thread.start()
    }
  }

  /// Renews `keeper` no more.
  func cancel(_ keeper: LeaseKeeper) {
    condition.lock()
    due.removeValue(forKey: ObjectIdentifier(keeper))
    condition.unlock()
  }

  private func run() {
    while true {
      condition.lock()
      var ready: [LeaseKeeper] = []
      while ready.isEmpty {
        let now = Date().timeIntervalSince1970
        ready = due.values.filter { $0.at <= now }.map(\.keeper)
        if !ready.isEmpty { break }
        let next = due.values.map(\.at).min()
        sleepingUntil = next ?? .infinity
        if let next { _ = condition.wait(until: Date(timeIntervalSince1970: next)) } else { condition.wait() }
        sleepingUntil = nil
      }
      for keeper in ready { due.removeValue(forKey: ObjectIdentifier(keeper)) }
      condition.unlock()
      for keeper in ready where keeper.renew() {
        condition.lock()
        due[ObjectIdentifier(keeper)] = (keeper, Date().timeIntervalSince1970 + keeper.interval)
        condition.unlock()
      }
    }
  }
}
