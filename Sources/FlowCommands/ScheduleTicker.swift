import FlowCore
import FlowDefinition
import FlowExecutor
import FlowScheduler
import Foundation

/// The code shared by `flow tick` and `flow scheduler`: given the time, record every due slot of every scheduled
/// pipeline durably and say which executions to run.
///
/// ```swift
/// let ticker = ScheduleTicker(executor: executor, store: store, log: TickLog.standardOutput)
/// let report = ticker.tick(pipelines, now: .now)
/// let failures = await ticker.run(report)
/// ```
///
/// For each pipeline, in this order:
/// 1. If none of its scheduled executions is running, its oldest queued slot starts (`Overlap: queue`, or the
///    backlog of a catch-up).
/// 2. ``SchedulePlanner`` plans the slots in `(last tick, now]` given whether the pipeline is busy.
/// 3. Each planned slot is recorded with one store transaction that also creates its execution when it starts
///    (``Executor/startScheduled(_:input:scheduledTime:firedAt:ifBusy:)``); a slot recorded before — by another
///    tick, or by this one before a crash — is left alone.
/// 4. The tick time is recorded as the pipeline's last tick (only after its slots, so a crash in between makes
///    the next tick plan the same slots again, which the unique slot key turns into no-ops).
///
/// The time is a parameter, so the overlap and catch-up rules are tested with any clock.
struct ScheduleTicker: Sendable {
  let executor: Executor
  let store: any ScheduleStore
  let log: TickLog

  /// What a tick did, and what is left to run.
  struct Report: Sendable {
    /// Executions created by this tick (new slots and started queued slots), with their pipeline.
    var started: [(record: ExecutionRecord, pipeline: Pipeline)] = []
    /// Scheduled executions that no live process runs (their process died): to be resumed.
    var orphaned: [ExecutionRecord] = []
    /// Slots recorded as queued or skipped.
    var queued = 0, skipped = 0
    /// Slots that were already recorded (another tick won them).
    var alreadyFired = 0
    /// Pipelines whose tick failed (the store could not be written).
    var errors = 0
    /// The earliest next slot of any pipeline.
    var nextFire: Date?
  }

  /// Records the slots due at `now` for every pipeline.
  ///
  /// - Parameters:
  ///   - pipelines: The scheduled pipelines.
  ///   - now: The tick's time.
  ///   - resumeOrphans: Whether to collect orphaned scheduled executions for resuming.
  /// - Returns: What was done; errors are logged and counted, one pipeline's failure doesn't stop the others.
  func tick(_ pipelines: [ScheduledPipeline], now: Date, resumeOrphans: Bool = true) -> Report {
    var report = Report()
    if resumeOrphans {
      do {
        report.orphaned = try store.orphanedExecutions(now: now.timeIntervalSince1970, scheduledOnly: true)
      } catch {
        log.say("cannot list interrupted scheduled executions: \(error)")
        report.errors += 1
      }
    }
    for scheduled in pipelines {
      do {
        try tick(scheduled, now: now, into: &report)
      } catch {
        log.say("\(scheduled.name): tick failed: \(error)")
        report.errors += 1
      }
      if let next = scheduled.schedule.cron.nextFire(after: now, in: scheduled.schedule.timeZone) {
        report.nextFire = min(report.nextFire ?? next, next)
      }
    }
    return report
  }

  private func tick(_ scheduled: ScheduledPipeline, now: Date, into report: inout Report) throws {
    let name = scheduled.name
    let schedule = scheduled.schedule
    var running = try store.runningScheduledExecutions(of: name)
    var queued = try store.queuedFires(of: name)
    if running.isEmpty, let oldest = queued.first {
      let slot = Date(timeIntervalSince1970: oldest.scheduledTime)
      if let record = try executor.startQueued(scheduled.pipeline, input: scheduled.input, scheduledTime: slot) {
        log.say("\(name): queued slot \(TickLog.format(slot)) started as \(record.name) (\(record.id))")
        report.started.append((record, scheduled.pipeline))
        running.append(record)
        queued.removeFirst()
      }
    }

    let lastTick = try store.lastTick(of: name).map { Date(timeIntervalSince1970: $0) }
    let busy = !running.isEmpty || !queued.isEmpty
    let plan = SchedulePlanner(schedule: schedule).plan(lastTick: lastTick, now: now, previousRunActive: busy)
    if let missed = plan.missed {
      let count = missed.isCountTruncated ? "at least \(missed.count)" : "\(missed.count)"
      let rule = schedule.catchup ? "beyond MaxCatchup \(schedule.maxCatchup)" : "Catchup is off"
      log.say("\(name): \(count) missed slot(s) from \(TickLog.format(missed.first)) to \(TickLog.format(missed.last)) "
              + "not run (\(rule))")
    }
    let ifBusy: ScheduleFireRecord.Action? = switch schedule.overlap {
    case .allow: nil
    case .queue: .queued
    case .skip: .skipped
    }
    for fire in plan.fires {
      let slot = TickLog.format(fire.scheduledTime)
      switch fire.action {
      case .start:
        switch try executor.startScheduled(scheduled.pipeline, input: scheduled.input, scheduledTime: fire.scheduledTime,
                                           firedAt: now, ifBusy: ifBusy) {
        case .started(let record):
          log.say("\(name): slot \(slot) started as \(record.name) (\(record.id))")
          report.started.append((record, scheduled.pipeline))
        case .queued:
          log.say("\(name): slot \(slot) queued: the previous scheduled run is still running")
          report.queued += 1
        case .skipped:
          log.say("\(name): slot \(slot) skipped: the previous scheduled run is still running (Overlap: skip)")
          report.skipped += 1
        case .alreadyFired:
          log.say("\(name): slot \(slot) was already fired")
          report.alreadyFired += 1
        }
      case .queue, .skip:
        let action: ScheduleFireRecord.Action = fire.action == .queue ? .queued : .skipped
        if try store.recordFire(pipeline: name, scheduledTime: fire.scheduledTime.timeIntervalSince1970, action: action,
                                firedAt: now.timeIntervalSince1970) {
          log.say("\(name): slot \(slot) \(action.rawValue)"
                  + (action == .queued ? ": it starts when the runs before it have finished" : ": the previous scheduled run is still running"))
          if action == .queued { report.queued += 1 } else { report.skipped += 1 }
        } else {
          log.say("\(name): slot \(slot) was already fired")
          report.alreadyFired += 1
        }
      }
    }
    try store.recordTick(of: name, at: now.timeIntervalSince1970)
  }

  /// Runs the executions a tick started and the orphans it found, concurrently, each to its end.
  ///
  /// - Returns: How many didn't succeed (failed, timed out, aborted, or couldn't run). An orphan that another
  ///   live process took over first is not counted.
  func run(_ report: Report) async -> Int {
    var work: [(id: String, pipeline: Pipeline?, resumed: Bool)] = report.started.map { ($0.record.id, $0.pipeline, false) }
    work += report.orphaned.map { ($0.id, nil, true) }
    return await withTaskGroup(of: Int.self) { group in
      for item in work {
        group.addTask { await runExecution(item.id, pipeline: item.pipeline, resumed: item.resumed) ? 0 : 1 }
      }
      return await group.reduce(0, +)
    }
  }

  /// Runs (or resumes) one execution to its end and logs how it ended.
  /// - Returns: `false` when it didn't succeed; `true` also for an orphan another live process took over first.
  func runExecution(_ id: String, pipeline: Pipeline?, resumed: Bool) async -> Bool {
    if resumed { log.say("resuming interrupted execution \(id)") }
    do {
      let final = try await executor.run(id, pipeline: pipeline)
      log.say("\(final.pipeline): \(final.name) (\(final.id)) \(final.status.rawValue)"
              + (final.error.map { ": \($0)" } ?? "") + (final.cause.map { " — \($0)" } ?? ""))
      return final.status == .succeeded
    } catch {
      log.say("execution \(id): \(error)")
      return resumed && "\(error)".contains("another live process")
    }
  }

  /// Hands the executions of a tick to background `flow resume` processes (`flow tick --detach`), releasing
  /// this process's lease on each first so the new process can take it.
  func detach(_ report: Report, store: String, localDirectory: URL) -> Int {
    var failures = 0
    let ids = report.started.map(\.record.id) + report.orphaned.map(\.id)
    for id in ids {
      do {
        try executor.release(id)
        try Detached.resume(id, store: store, localDirectory: localDirectory)
        log.say("execution \(id) handed to a background `flow resume`")
      } catch {
        log.say("execution \(id): cannot start it in the background: \(error)")
        failures += 1
      }
    }
    return failures
  }
}

/// The lines `flow tick` and `flow scheduler` log: one event per line, prefixed with the UTC time.
struct TickLog: Sendable {
  let sink: @Sendable (String) -> Void

  /// Writes to standard output at once (it is usually a log file, where buffering would hold lines back).
  static let standardOutput = TickLog { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

  func say(_ message: String) {
    sink("\(Self.format(Date())) \(message)")
  }

  /// `2026-11-23T03:00:00Z`.
  static func format(_ date: Date) -> String { date.formatted(.iso8601) }
}
