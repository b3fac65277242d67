import Foundation

/// Decides which slots of a ``Schedule`` a tick fires: pure, with the time passed in, so the catch-up and
/// overlap rules are tested with any `now`.
///
/// The slots due at a tick are those in `(lastTick, now]`:
/// - **Without `Catchup`**, only the latest due slot fires. A tick that came a minute late still fires the
///   slot it missed, but after a long downtime only the most recent slot runs; the others are reported
///   as ``SchedulePlan/missed``.
/// - **With `Catchup`**, up to `MaxCatchup` due slots fire, the most recent ones; older ones are reported
///   as missed.
/// - **The first tick ever** (`lastTick == nil`) looks back only ``firstTickLookback``, so installing a
///   schedule doesn't replay its history, yet a slot that came due in the current minute still fires.
///
/// Then the overlap policy decides, given whether the previous scheduled run is still running:
/// - `allow`: every due slot starts.
/// - `queue`: while a run is active every slot is queued; otherwise the oldest starts and the rest queue.
/// - `skip`: while a run is active every slot is skipped (and recorded so); otherwise the oldest starts and
///   the rest queue behind it. Catch-up slots are a backlog rather than an overlap, so they run one after
///   another instead of being dropped.
///
/// ```swift
/// let planner = SchedulePlanner(schedule: try Schedule(json: ["Cron": "*/15 * * * *"]))
/// let plan = planner.plan(lastTick: lastTick, now: .now, previousRunActive: false)
/// for fire in plan.fires { /* record (pipeline, fire.scheduledTime), then act on fire.action */ }
/// ```
public struct SchedulePlanner: Sendable {
  /// The schedule being planned.
  public var schedule: Schedule
  /// How far back the first tick of a pipeline (no `lastTick`) looks for a due slot.
  public var firstTickLookback: Duration

  /// The most missed slots a plan counts before reporting "at least this many".
  public static let missedCountLimit = 10_000

  /// Creates a planner.
  ///
  /// - Parameters:
  ///   - schedule: The schedule to plan.
  ///   - firstTickLookback: How far back a first tick looks; one minute by default, which is what a tick run
  ///     by cron every minute needs to see the slot of its own minute.
  public init(schedule: Schedule, firstTickLookback: Duration = .seconds(60)) {
    self.schedule = schedule
    self.firstTickLookback = firstTickLookback
  }

  /// The slots a tick at `now` should record, and what to do with each.
  ///
  /// - Parameters:
  ///   - lastTick: The `now` of the previous tick of this pipeline, or `nil` if it never ticked.
  ///   - now: The current time.
  ///   - previousRunActive: Whether the pipeline's previous scheduled run (or a queued one) is unfinished.
  /// - Returns: The plan; its ``SchedulePlan/fires`` are empty when nothing is due (including when the
  ///   clock went backwards past `lastTick`).
  public func plan(lastTick: Date?, now: Date, previousRunActive: Bool) -> SchedulePlan {
    let lookback = Double(firstTickLookback.components.seconds)
      + Double(firstTickLookback.components.attoseconds) / 1e18
    let lower = lastTick ?? now.addingTimeInterval(-lookback)
    let wanted = schedule.catchup ? schedule.maxCatchup : 1
    let (due, lastMissed) = latestSlots(wanted, after: lower, through: now)

    var fires: [SchedulePlan.Fire] = []
    for (index, slot) in due.enumerated() {
      let action: SchedulePlan.Action
      switch (schedule.overlap, previousRunActive) {
      case (.allow, _): action = .start
      case (.queue, true): action = .queue
      case (.skip, true): action = .skip
      case (.queue, false), (.skip, false): action = index == 0 ? .start : .queue
      }
      fires.append(SchedulePlan.Fire(scheduledTime: slot, action: action))
    }
    return SchedulePlan(now: now, fires: fires, missed: lastMissed.map { missed(after: lower, through: $0) },
                        nextFire: schedule.cron.nextFire(after: now, in: schedule.timeZone))
  }

  /// The latest `count` slots in `(lower, upper]`, and the slot just before them if there is one.
  ///
  /// Searches backwards from `upper` in windows growing eightfold, so the cost follows the number of slots
  /// wanted, not the length of the downtime: a year offline with `* * * * *` costs a one-hour search.
  func latestSlots(_ count: Int, after lower: Date, through upper: Date) -> (due: [Date], lastMissed: Date?) {
    guard lower < upper else { return ([], nil) }
    var width: TimeInterval = 3600
    while true {
      let from = max(lower, upper.addingTimeInterval(-width))
      var iterator = schedule.cron.fireTimeIterator(after: from, in: schedule.timeZone)
      var slots: [Date] = []
      while let slot = iterator.next(), slot <= upper { slots.append(slot) }
      if slots.count > count || from == lower {
        return (Array(slots.suffix(count)), slots.count > count ? slots[slots.count - count - 1] : nil)
      }
      width *= 8
    }
  }

  /// Counts the slots in `(lower, last]`, stopping at ``missedCountLimit``.
  func missed(after lower: Date, through last: Date) -> SchedulePlan.Missed {
    var iterator = schedule.cron.fireTimeIterator(after: lower, in: schedule.timeZone)
    var first: Date?
    var count = 0
    while count < Self.missedCountLimit, let slot = iterator.next(), slot <= last {
      first = first ?? slot
      count += 1
    }
    var truncated = false
    if count == Self.missedCountLimit, let slot = iterator.next(), slot <= last { truncated = true }
    return SchedulePlan.Missed(first: first ?? last, last: last, count: count, isCountTruncated: truncated)
  }
}
