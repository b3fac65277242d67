import Foundation

/// What one tick should do for one scheduled pipeline, as decided by ``SchedulePlanner``.
///
/// The tick records each ``Fire`` under its `(pipeline, scheduledTime)` key in the same transaction that
/// creates the execution (for ``Action/start``) or the queue/skip record, so running the same plan twice
/// never starts a slot twice.
public struct SchedulePlan: Hashable, Sendable {
  /// What to do with one slot.
  public enum Action: String, Hashable, Sendable {
    /// Start a run for the slot now.
    case start
    /// Start the run once the previous scheduled run of the pipeline has finished (record it as queued).
    case queue
    /// Don't run the slot; record it as skipped because the previous run was still running.
    case skip
  }

  /// One due slot and the decision about it.
  public struct Fire: Hashable, Sendable {
    /// The slot's fire time: the key under which the tick records it.
    public var scheduledTime: Date
    /// What to do with it.
    public var action: Action

    /// Creates a fire.
    public init(scheduledTime: Date, action: Action) {
      self.scheduledTime = scheduledTime
      self.action = action
    }
  }

  /// Due slots that the plan leaves out: all but the latest without `Catchup`, or those beyond `MaxCatchup`.
  /// Reported so a tick can log them: a missed slot is never dropped silently.
  public struct Missed: Hashable, Sendable {
    /// The earliest slot left out.
    public var first: Date
    /// The latest slot left out.
    public var last: Date
    /// How many slots were left out, counted up to ``SchedulePlanner/missedCountLimit``.
    public var count: Int
    /// True when counting stopped at ``SchedulePlanner/missedCountLimit``: there were at least ``count``.
    public var isCountTruncated: Bool

    /// Creates a summary of missed slots.
    public init(first: Date, last: Date, count: Int, isCountTruncated: Bool = false) {
      self.first = first
      self.last = last
      self.count = count
      self.isCountTruncated = isCountTruncated
    }
  }

  /// The `now` the plan was made for: what the tick records as its time.
  public var now: Date
  /// The slots to record, oldest first.
  public var fires: [Fire]
  /// The due slots left out, if any.
  public var missed: Missed?
  /// The first slot after ``now``: when a long-running scheduler should wake up next.
  public var nextFire: Date?

  /// Creates a plan.
  public init(now: Date, fires: [Fire], missed: Missed? = nil, nextFire: Date?) {
    self.now = now
    self.fires = fires
    self.missed = missed
    self.nextFire = nextFire
  }

  /// The slots to start now.
  public var starts: [Date] { fires.filter { $0.action == .start }.map(\.scheduledTime) }
}
