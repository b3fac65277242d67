import FlowCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The process groups of the step programs (`flow:exec` and the like) running in this process, so that
/// `flow run` can pass a Ctrl-C or SIGTERM on to them and give them time to stop.
///
/// Each program runs in a process group of its own, so the terminal's Ctrl-C reaches flow but not them. After
/// ``interrupt(with:grace:)``, cancelling a step no longer kills its group at once: the program has until the
/// grace ends to exit on the forwarded signal (a training script saves its state), and is then sent SIGKILL.
public enum StepProcessGroups {
  private static let state = State()

  /// Makes steps cancelled from now on wait until `grace` has passed before they kill their group, runs
  /// `cancel` (which cancels the steps), then sends `signal` to every running step program's process group.
  /// Programs that would start later are not started.
  public static func interrupt(with signal: Int32, grace: Duration, cancelling cancel: () -> Void) {
    _ = state.interrupt(deadline: ContinuousClock.now + grace)
    cancel()
    for group in state.groups() { kill(-group, signal) }
  }

  /// Kills every running step program's process group at once (a second Ctrl-C).
  public static func killAll() {
    for group in state.groups() { kill(-group, SIGKILL) }
  }

  /// Registers a program about to run on; `false` (and nothing is registered) once flow is being interrupted.
  static func admit(_ group: pid_t) -> Bool { state.admit(group) }

  /// Forgets a program that has exited.
  static func remove(_ group: pid_t) { state.remove(group) }

  /// Ends the group of a cancelled step: at once, or, while flow is being interrupted, when the grace is over.
  static func cancel(_ group: pid_t) {
    guard let deadline = state.deadline else {
      kill(-group, SIGKILL)
      return
    }
    Thread.detachNewThread {
      while ContinuousClock.now < deadline, state.contains(group) { usleep(20_000) }
      if state.contains(group) { kill(-group, SIGKILL) }
    }
  }

  private final class State: Sendable {
    private struct Fields {
      var running: Set<pid_t> = []
      var stopBy: ContinuousClock.Instant?
    }
    private let fields = Locked(Fields())

    var deadline: ContinuousClock.Instant? { fields.withLock { $0.stopBy } }
    func groups() -> [pid_t] { fields.withLock { Array($0.running) } }
    func contains(_ group: pid_t) -> Bool { fields.withLock { $0.running.contains(group) } }
    func remove(_ group: pid_t) { fields.withLock { _ = $0.running.remove(group) } }

    func admit(_ group: pid_t) -> Bool {
      fields.withLock { fields in
        guard fields.stopBy == nil else { return false }
        fields.running.insert(group)
        return true
      }
    }

    func interrupt(deadline: ContinuousClock.Instant) -> [pid_t] {
      fields.withLock { fields in
        fields.stopBy = fields.stopBy ?? deadline
        return Array(fields.running)
      }
    }
  }
}
