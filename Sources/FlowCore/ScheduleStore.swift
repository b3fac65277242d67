/// Durable bookkeeping of scheduled runs: which slot of which pipeline was fired, and when each pipeline last ticked.
///
/// Contract: every slot — a `(pipeline, scheduledTime)` pair — is recorded at most once, and a slot that starts
/// a run is recorded **in the same transaction** that creates the execution. So two ticks racing on the same slot
/// (two processes, or a tick repeated after a crash) start it once: the loser sees the slot taken and creates
/// nothing. Implementations must give that guarantee across processes sharing the store, not just within one.
///
/// A pipeline is "busy" when one of its scheduled executions is `RUNNING` or one of its slots is queued:
/// the checks that depend on it run inside the same transaction as the write they guard.
public protocol ScheduleStore: Sendable {
  /// Records the slot `scheduledTime` of `record.pipeline` and, when it is to start, creates the execution
  /// (with its first events and scopes, and its lease held by `record.owner`), all in one transaction.
  ///
  /// - Parameters:
  ///   - record: The execution to create; its `pipeline` names the schedule's pipeline.
  ///   - events: The execution's first events (`ExecutionStarted`).
  ///   - scopes: The execution's first scopes.
  ///   - scheduledTime: The slot, in seconds since 1970.
  ///   - firedAt: When the tick fired it, in seconds since 1970.
  ///   - ifBusy: What to record instead of starting when the pipeline is busy (`.queued` or `.skipped`), or
  ///     `nil` to start regardless (`Overlap: allow`).
  /// - Returns: What was recorded (`.started`, or `ifBusy`), or `nil` when the slot had been recorded already
  ///   (nothing is written then).
  /// - Throws: ``StoreError`` when the store can't be written, or an execution of the pipeline already has the name.
  func createScheduledExecution(
    _ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord], scheduledTime: Double, firedAt: Double,
    ifBusy: ScheduleFireRecord.Action?
  ) throws -> ScheduleFireRecord.Action?

  /// Records a slot that doesn't start now (`.queued` or `.skipped`).
  /// - Returns: `false` when the slot had been recorded already (nothing is written then).
  func recordFire(pipeline: String, scheduledTime: Double, action: ScheduleFireRecord.Action, firedAt: Double) throws -> Bool

  /// Starts the queued slot `scheduledTime`: marks it started and creates the execution in one transaction,
  /// provided it is still queued, it is the pipeline's oldest queued slot, and no scheduled execution of the
  /// pipeline is running.
  /// - Returns: `false` (and writes nothing) when any of those doesn't hold.
  func startQueuedExecution(_ record: ExecutionRecord, events: [HistoryEvent], scopes: [ScopeRecord],
                            scheduledTime: Double) throws -> Bool

  /// The `now` of the pipeline's latest tick, or `nil` if it never ticked.
  func lastTick(of pipeline: String) throws -> Double?
  /// Records a tick of `pipeline` at `time`; an earlier time than the one recorded is ignored, so the last tick
  /// never moves backwards.
  func recordTick(of pipeline: String, at time: Double) throws

  /// The pipeline's scheduled executions that are `RUNNING` (live or orphaned), oldest slot first.
  func runningScheduledExecutions(of pipeline: String) throws -> [ExecutionRecord]
  /// Top-level executions (no parent) that are `RUNNING` with no live owner at `now` (``ExecutionRecord/isOrphaned(now:)``),
  /// oldest first: what a tick (`scheduledOnly`) or a scheduler starting up resumes.
  func orphanedExecutions(now: Double, scheduledOnly: Bool) throws -> [ExecutionRecord]
  /// The pipeline's queued slots, oldest first.
  func queuedFires(of pipeline: String) throws -> [ScheduleFireRecord]
  /// Recorded slots, newest first: of one pipeline, or of all when `pipeline` is `nil`.
  func fires(of pipeline: String?, limit: Int) throws -> [ScheduleFireRecord]
  /// The scheduled time of each of `executionIds` that was started by a schedule.
  func scheduledTimes(of executionIds: [String]) throws -> [String: Double]
}

/// One slot of a schedule as a tick recorded it.
public struct ScheduleFireRecord: Sendable, Equatable {
  /// What the tick did with the slot.
  public enum Action: String, Sendable, CaseIterable {
    /// An execution was created for it (``ScheduleFireRecord/executionId``).
    case started
    /// It waits for the pipeline's running scheduled execution to finish.
    case queued
    /// It was dropped because the previous run was still running (`Overlap: skip`).
    case skipped
  }

  /// The pipeline's name.
  public var pipeline: String
  /// The slot, in seconds since 1970.
  public var scheduledTime: Double
  /// What was done with it.
  public var action: Action
  /// The execution started for it, once started.
  public var executionId: String?
  /// When a tick recorded it, in seconds since 1970.
  public var firedAt: Double

  /// Creates a record.
  public init(pipeline: String, scheduledTime: Double, action: Action, executionId: String? = nil, firedAt: Double) {
    self.pipeline = pipeline
    self.scheduledTime = scheduledTime
    self.action = action
    self.executionId = executionId
    self.firedAt = firedAt
  }
}
