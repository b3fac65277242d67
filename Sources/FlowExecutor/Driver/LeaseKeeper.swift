import FlowCore
import Foundation

/// Renews an execution's lease on a thread of its own, so renewal never waits for the executor's tasks to get
/// CPU (a long Pass/Choice loop or a busy in-process step still renews), and watches for `flow stop`.
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
  private let wake = DispatchSemaphore(value: 0)

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

  func start() {
    let thread = Thread { [self] in run() }
    thread.name = "flow-lease-\(executionId.prefix(8))"
    thread.start()
  }

  /// Stops renewing (the execution ended here). Does not release the lease.
  func stop() {
    stopped.withLock { $0 = true }
    wake.signal()
  }

  private func run() {
    let interval = leaseSeconds / 3
    while true {
      _ = wake.wait(timeout: .now() + interval)
      if stopped.value { return }
      let now = Date().timeIntervalSince1970
      do {
        guard try store.renewLease(executionId, fence: fence, until: now + leaseSeconds) else {
          let holder = (try? store.execution(executionId))?.owner ?? "another process"
          end(.leaseLost("the lease of execution \(executionId) was taken over by \(holder) while this process (\(fence.owner)) did not renew it in time"))
          return
        }
        validUntil.withLock { $0 = now + leaseSeconds }
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
    let first = stopped.withLock { stopped in
      defer { stopped = true }
      return !stopped
    }
    if first { onEnd(reason) }
  }
}
