import FlowCore
import Foundation
import Logging

/// Settings of an ``Executor``.
public struct ExecutorOptions: Sendable {
  /// The largest state input or output, in bytes of compact JSON (Step Functions' limit is 256 KiB).
  public var payloadLimitBytes: Int = 256 * 1024
  /// The most history events one execution may have (Step Functions' limit is 25,000); a pipeline's
  /// `Flow.MaxHistoryEvents` overrides it. Reaching it fails the execution with `States.Runtime`.
  public var maxHistoryEvents: Int = 25_000
  /// How deep `flow:pipeline` child executions may nest (the top execution is level 1).
  public var maxNestingDepth: Int = 10
  /// How long a lease lasts without renewal; a process that has not renewed it for this long counts as dead.
  public var leaseSeconds: Double = 10
  /// Queued events that trigger a commit on their own.
  public var autoFlushEvents: Int = 512
  /// Where steps' artifact directories are made (`ROOT/EXECUTION/STATE`).
  public var artifactsRoot: URL
  public var logger: Logger
  /// Called for every history event as it is queued (for live progress views).
  public var observer: (@Sendable (HistoryEvent) -> Void)?
  /// How often a task waiting for a callback token polls the store, in seconds.
  public var tokenPollSeconds: Double = 0.2
  /// Resolves `{"Secret": NAME}` references in a task's parameters when its step is invoked (not before: the
  /// history and the store keep the reference).
  public var secrets = SecretResolver()
  /// The time: the system clock, or a manual one in tests.
  public var clock: any ExecutorClock = SystemClock()
  /// Names this process in lease owners (`HOST:PID:NAME`), as `flow worker --name` does; a random suffix if nil.
  public var ownerName: String?
  /// Asked before each new effect: once it answers true, no new step, wait or branch starts, the steps running
  /// finish and are committed, and ``Executor/run(_:pipeline:)`` hands the execution back (lease released, still
  /// `RUNNING`) with ``ExecutorError/Code/handedBack``, for another process to continue. `flow worker` drains so.
  public var handBack: @Sendable () -> Bool = { false }
  /// Makes Task states whose `Resource` is an activity ARN (`arn:aws:states:REGION:ACCOUNT:activity:NAME`) that
  /// the pipeline's `Flow.Resources` does not map durable activity tasks: the task gets a callback token (stored
  /// with the attempt's commit, as a `.waitForTaskToken` task's), this function offers it to workers (`flow
  /// server` stores it for GetActivityTask), and the task waits for the token's answer within its
  /// `TimeoutSeconds` and `HeartbeatSeconds`. It may be called again for the same token after a restart: it must
  /// not offer a task twice. Throwing a ``StepFailure`` fails the attempt (an unknown activity). Nil (the default):
  /// activity ARNs are steps like any other resource (mapped by `Flow.Resources`).
  public var activityScheduler: (@Sendable (ActivityOffer) throws -> Void)?
  /// Whether a worker has taken the activity task of a token: the worker's name (empty if it gave none), or nil
  /// while no worker has (or the token is no activity task's). Asked while the task waits, so that its history
  /// records `ActivityStarted` as Step Functions does. Nil: no `ActivityStarted` events.
  public var activityTaken: (@Sendable (_ token: String) throws -> String?)?

  public init(artifactsRoot: URL, logger: Logger = Logger(label: "flow"),
              observer: (@Sendable (HistoryEvent) -> Void)? = nil) {
    self.artifactsRoot = artifactsRoot
    self.logger = logger
    self.observer = observer
  }
}

/// A durable activity task offered to workers (see ``ExecutorOptions/activityScheduler``).
public struct ActivityOffer: Sendable, Equatable {
  /// The activity's ARN, as the state's `Resource` names it.
  public var activity: String
  public var token: String
  public var executionId: String
  public var stateName: String
  /// The task's effective parameters: what the worker gets as its `input`.
  public var input: JSONValue
  /// When the task's `TimeoutSeconds` runs out (seconds since 1970), if it has one.
  public var deadline: Double?
  public var heartbeatSeconds: Double?
}

/// The one error type of the executor for problems that are not an execution's own failure:
/// an unknown id, resuming a finished execution, a lost lease, a store that cannot be written.
public struct ExecutorError: Error, Sendable, CustomStringConvertible {
  /// What kind of problem it is.
  public struct Code: Hashable, Sendable {
    private let name: String
    public static let other = Code(name: "other")
    /// Another process took the execution's lease over; this process stopped without further effects.
    public static let leaseLost = Code(name: "leaseLost")
    /// Another live process runs the execution.
    public static let busy = Code(name: "busy")
    /// The task running the execution was cancelled; what had finished was committed, and it stays resumable.
    public static let interrupted = Code(name: "interrupted")
    /// `flow:pipeline` children nest deeper than ``ExecutorOptions/maxNestingDepth``.
    public static let nestingLimit = Code(name: "nestingLimit")
    /// ``ExecutorOptions/handBack`` asked to stop: what had finished was committed, and the lease released.
    public static let handedBack = Code(name: "handedBack")
  }

  public var message: String
  public var code: Code
  public init(_ message: String, code: Code = .other) {
    self.message = message
    self.code = code
  }
  public var description: String { message }
}
