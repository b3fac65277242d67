import FlowCore
import Foundation
import Logging

/// Settings of an ``Executor``.
public struct ExecutorOptions: Sendable {
  /// The largest state input or output, in bytes of compact JSON (Step Functions' limit is 256 KiB).
  public var payloadLimitBytes: Int = 256 * 1024
  /// How long a lease lasts without renewal; a process that has not renewed it for this long counts as dead.
  public var leaseSeconds: Double = 10
  /// Pending effect-free events that trigger a commit on their own.
  public var autoFlushEvents: Int = 512
  /// Where steps' artifact directories are made (`ROOT/EXECUTION/STATE`).
  public var artifactsRoot: URL
  public var logger: Logger
  /// Called for every history event as it is appended (for live progress views).
  public var observer: (@Sendable (HistoryEvent) -> Void)?
  /// How often a task waiting for a callback token polls the store, in seconds.
  public var tokenPollSeconds: Double = 0.2

  public init(artifactsRoot: URL, logger: Logger = Logger(label: "flow"),
              observer: (@Sendable (HistoryEvent) -> Void)? = nil) {
    self.artifactsRoot = artifactsRoot
    self.logger = logger
    self.observer = observer
  }
}

/// The one error type of the executor for problems that are not an execution's own failure:
/// an unknown id, resuming a finished execution, a store that cannot be written.
public struct ExecutorError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
