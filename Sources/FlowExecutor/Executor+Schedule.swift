import FlowCore
import FlowDefinition
import Foundation

extension Executor {
  /// What became of a slot handed to ``startScheduled(_:input:scheduledTime:firedAt:ifBusy:)``.
  public enum ScheduledStart: Sendable, Equatable {
    /// The execution was created (lease held by this executor); ``Executor/run(_:pipeline:)`` runs it.
    case started(ExecutionRecord)
    /// The pipeline was busy: the slot is recorded as queued.
    case queued
    /// The pipeline was busy: the slot is recorded as skipped.
    case skipped
    /// Another tick (or an earlier run of this one) recorded the slot already: nothing was written.
    case alreadyFired
  }

  /// The name of the execution of a slot: `scheduled-2026-11-23T03:00:00Z` (UTC, whole seconds).
  public static func scheduledName(for scheduledTime: Date) -> String {
    "scheduled-" + scheduledTime.formatted(.iso8601)
  }

  /// Records the slot `scheduledTime` of `pipeline` and creates its execution in one store transaction, so that
  /// two ticks firing the same slot start it once.
  ///
  /// ```swift
  /// if case .started(let record) = try executor.startScheduled(pipeline, input: input, scheduledTime: slot,
  ///                                                            firedAt: .now, ifBusy: .skipped) {
  ///   _ = try await executor.run(record.id, pipeline: pipeline)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - pipeline: The scheduled pipeline.
  ///   - input: The execution input (the schedule's `Input` merged over `Flow.Parameters`).
  ///   - scheduledTime: The slot.
  ///   - firedAt: The tick's time.
  ///   - ifBusy: What to record instead when a scheduled execution of the pipeline is running or a slot is queued
  ///     (`.queued` or `.skipped`); `nil` starts regardless.
  /// - Returns: What happened to the slot.
  /// - Throws: ``ExecutorError`` when the store doesn't record schedules (it isn't a ``ScheduleStore``), the input
  ///   is too large, or the store can't be written.
  public func startScheduled(_ pipeline: Pipeline, input: JSONValue, scheduledTime: Date, firedAt: Date,
                             ifBusy: ScheduleFireRecord.Action?) throws -> ScheduledStart {
    let schedules = try scheduleStore()
    let (record, started, root) = try scheduledExecution(pipeline, input: input, scheduledTime: scheduledTime)
    let recorded: ScheduleFireRecord.Action?
    do {
      recorded = try schedules.createScheduledExecution(
        record, events: [started], scopes: [root], scheduledTime: scheduledTime.timeIntervalSince1970,
        firedAt: firedAt.timeIntervalSince1970, ifBusy: ifBusy)
    } catch let error as StoreError {
      throw ExecutorError(error.message)
    }
    switch recorded {
    case nil: return .alreadyFired
    case .queued?: return .queued
    case .skipped?: return .skipped
    case .started?:
      options.observer?(started)
      return .started(record)
    }
  }

  /// Starts the queued slot `scheduledTime` of `pipeline`, if it is still the oldest queued slot and no scheduled
  /// execution of the pipeline runs (checked in the same transaction that creates the execution).
  ///
  /// - Returns: The new execution, or `nil` when the slot can't start now (or another process started it).
  /// - Throws: ``ExecutorError`` as ``startScheduled(_:input:scheduledTime:firedAt:ifBusy:)`` does.
  public func startQueued(_ pipeline: Pipeline, input: JSONValue, scheduledTime: Date) throws -> ExecutionRecord? {
    let schedules = try scheduleStore()
    let (record, started, root) = try scheduledExecution(pipeline, input: input, scheduledTime: scheduledTime)
    do {
      guard try schedules.startQueuedExecution(record, events: [started], scopes: [root],
                                               scheduledTime: scheduledTime.timeIntervalSince1970) else { return nil }
    } catch let error as StoreError {
      throw ExecutorError(error.message)
    }
    options.observer?(started)
    return record
  }

  private func scheduleStore() throws -> any ScheduleStore {
    guard let schedules = store as? any ScheduleStore else {
      throw ExecutorError("this store can't record scheduled runs (it is not a ScheduleStore)")
    }
    return schedules
  }

  private func scheduledExecution(_ pipeline: Pipeline, input: JSONValue, scheduledTime: Date) throws
    -> (record: ExecutionRecord, started: HistoryEvent, root: ScopeRecord) {
    let built = try prepare(pipeline, input: input, name: Self.scheduledName(for: scheduledTime))
    var started = built.started
    started.flow["scheduledTime"] = .string(scheduledTime.formatted(.iso8601))
    return (built.record, started, built.root)
  }
}
