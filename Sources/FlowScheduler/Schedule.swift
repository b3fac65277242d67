import FlowCore
import Foundation

/// A pipeline's `Flow.Schedule` block: when scheduled runs fire and how they behave.
///
/// ```yaml
/// Flow:
///   Schedule:
///     Cron: "0 3 * * MON"      # required: five fields or a macro
///     Timezone: Europe/Paris   # IANA name; default UTC
///     Input: {force: false}    # merged into the input of scheduled runs
///     Overlap: skip            # skip | queue | allow; default skip
///     Catchup: false           # default false
///     MaxCatchup: 10           # 1…1000; default 10
/// ```
///
/// ```swift
/// let schedule = try Schedule(json: ["Cron": "0 3 * * MON", "Timezone": "Europe/Paris"])
/// let nextFive = schedule.nextFires(after: .now, count: 5)
/// ```
///
/// ## Topics
/// ### Reading the block
/// - ``init(json:)``
/// - ``problems(in:)``
public struct Schedule: Hashable, Sendable {
  /// What to do with a slot that comes due while the previous scheduled run of the pipeline is still running.
  public enum Overlap: String, Hashable, Sendable, CaseIterable {
    /// Don't start it; the slot is recorded as skipped.
    case skip
    /// Start it once the previous run has finished.
    case queue
    /// Start it right away, alongside the previous run.
    case allow
  }

  /// An empty `Input`, the default.
  public static let noInput = JSONValue.emptyObject.objectValue!

  /// The default of `MaxCatchup`.
  public static let defaultMaxCatchup = 10
  /// The largest `MaxCatchup` accepted: a bound on how many runs one tick can start for one pipeline.
  public static let maximumMaxCatchup = 1000

  /// When the schedule fires (`Cron`).
  public var cron: CronExpression
  /// The zone whose wall-clock time ``cron`` describes (`Timezone`).
  public var timeZone: TimeZone
  /// The zone's name as written in the file (`UTC` when absent), for display: Foundation reports UTC as `GMT`.
  public var timeZoneName: String
  /// Members merged into the execution input of every scheduled run (`Input`).
  public var input: JSONObject
  /// The overlap policy (`Overlap`).
  public var overlap: Overlap
  /// Whether slots missed during downtime run after it (`Catchup`).
  public var catchup: Bool
  /// The most missed slots one tick runs when ``catchup`` is on: the most recent ones (`MaxCatchup`).
  public var maxCatchup: Int

  /// Creates a schedule from values already checked; `Schedule(json:)` is the way in from a pipeline file.
  ///
  /// - Parameters:
  ///   - cron: When the schedule fires.
  ///   - timeZone: The zone of the cron fields; UTC by default.
  ///   - input: Members merged into scheduled runs' input.
  ///   - overlap: The overlap policy; `.skip` by default.
  ///   - catchup: Whether missed slots run after downtime; `false` by default.
  ///   - maxCatchup: The most missed slots run by one tick; clamped to `1...maximumMaxCatchup`.
  public init(cron: CronExpression, timeZone: TimeZone = .gmt, input: JSONObject = Schedule.noInput, overlap: Overlap = .skip,
              catchup: Bool = false, maxCatchup: Int = Schedule.defaultMaxCatchup) {
    self.cron = cron
    self.timeZone = timeZone
    self.timeZoneName = timeZone.secondsFromGMT() == 0 && timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
    self.input = input
    self.overlap = overlap
    self.catchup = catchup
    self.maxCatchup = min(max(maxCatchup, 1), Schedule.maximumMaxCatchup)
  }

  /// The next `count` fire times after `date`, in the schedule's time zone.
  ///
  /// - Parameters:
  ///   - date: The instant after which to search.
  ///   - count: How many fire times to return.
  /// - Returns: The fire times, earliest first.
  public func nextFires(after date: Date, count: Int) -> [Date] {
    cron.fireTimes(after: date, count: count, in: timeZone)
  }

  /// The execution input of a scheduled run: `base` with the members of ``input`` added, replacing members
  /// of the same name.
  ///
  /// - Parameter base: The input the run would get otherwise; an empty object by default. When it is not
  ///   an object it is returned unchanged unless ``input`` has members, which then form the input.
  /// - Returns: The merged input.
  public func executionInput(merging base: JSONValue = .emptyObject) -> JSONValue {
    guard !input.isEmpty else { return base }
    guard case .object(var object) = base else { return .object(input) }
    for (key, value) in input { object[key] = value }
    return .object(object)
  }
}
