import FlowCore
import Foundation

/// Renews an execution's lease on a thread of its own, so renewal never waits for the executor's tasks to get
/// CPU (a long Pass/Choice loop or a busy in-process step still renews), and watches for `flow stop`.
///
/// When renewal finds the lease taken over, or a stop requested, it calls `onEnd` once; the executor then stops
/// performing effects (its next commit would be rejected anyway: commits are fenced).
final class LeaseKeeper: @unchecked Sendable {
  enum End: Sendable, Equatable {
    case leaseLost(String)
    case stopRequested
  }

  let executionId: String
  let fence: LeaseFence
  private let store: any ExecutionStore
  private let leaseSeconds: Double
  private let onEnd: @Sendable (End) -> Void
  private let lock = NSLock()
  private var stopped = false  // guarded by `lock`
  private var validUntil: Double  // guarded by `lock`
  private let wake = DispatchSemaphore(value: 0)

  init(store: any ExecutionStore, executionId: String, fence: LeaseFence, leaseSeconds: Double,
       onEnd: @escaping @Sendable (End) -> Void) {
    self.store = store
    self.executionId = executionId
    self.fence = fence
    self.leaseSeconds = leaseSeconds
    self.onEnd = onEnd
    validUntil = Date().timeIntervalSince1970 + leaseSeconds
  }

  /// Until when the lease certainly holds (its last renewal plus the lease time).
  var leaseValidUntil: Double { lock.withLock { validUntil } }

  func start() {
    let thread = Thread { [self] in run() }
    thread.name = "flow-lease-\(executionId.prefix(8))"
    thread.start()
  }

  /// Stops renewing (the execution ended here). Does not release the lease.
  func stop() {
    lock.withLock { stopped = true }
    wake.signal()
  }

  private func run() {
    let interval = leaseSeconds / 3
    while true {
      _ = wake.wait(timeout: .now() + interval)
      if lock.withLock({ stopped }) { return }
      let now = Date().timeIntervalSince1970
      do {
        guard try store.renewLease(executionId, fence: fence, until: now + leaseSeconds) else {
          let holder = (try? store.execution(executionId))?.owner ?? "another process"
          end(.leaseLost("the lease of execution \(executionId) was taken over by \(holder) while this process (\(fence.owner)) did not renew it in time"))
          return
        }
        lock.withLock { validUntil = now + leaseSeconds }
        if try store.execution(executionId)?.stopRequested == true {
          end(.stopRequested)
          return
        }
      } catch {
        // A busy or failing store: try again at the next interval; the lease runs out if this goes on.
        continue
      }
    }
  }

  private func end(_ reason: End) {
    let first = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    if first { onEnd(reason) }
  }
}
