import FlowCore
import FlowSteps
import Foundation

/// What SIGINT (Ctrl-C) and SIGTERM do while `flow run`, `flow resume` or `flow redrive` follows an execution.
///
/// The first signal is passed on to the running step programs' process groups (they run in groups of their own,
/// so the terminal's Ctrl-C does not reach them) and the execution's task is cancelled: each step program gets
/// up to ``grace`` to exit, what finished is committed, and the execution stays resumable. A second signal
/// kills the step programs and exits at once; the execution is then resumed as after a crash.
final class Interruption: Sendable {
  /// How long step programs get to exit on the forwarded signal before they are killed.
  static let grace: Duration = .seconds(10)

  private let handlers: SignalHandlers
  /// The first signal received.
  private let received: Locked<Int32?>

  init(executionId: String, task: Task<ExecutionRecord, any Error>) {
    let received = Locked<Int32?>(nil)
    self.received = received
    handlers = SignalHandlers(for: [SIGINT, SIGTERM]) { signal in
      let first = received.withLock { received in
        defer { received = received ?? signal }
        return received == nil
      }
      guard first else {
        StepProcessGroups.killAll()
        FileHandle.standardError.write(Data("killed: resume execution \(executionId) with `flow resume \(executionId)`\n".utf8))
        exit(128 + signal)
      }
      FileHandle.standardError.write(Data(("stopping execution \(executionId): waiting up to \(Interruption.grace.components.seconds) s "
        + "for running steps (press Ctrl-C again to kill them at once)\n").utf8))
      // The task is cancelled before the programs get the signal, so a program that dies of it is never taken
      // for a step that failed.
      StepProcessGroups.interrupt(with: signal, grace: Interruption.grace) { task.cancel() }
    }
  }

  /// The first signal received, if any.
  var signal: Int32? { received.value }

  func cancel() { handlers.cancel() }
}
