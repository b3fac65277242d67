import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`), as Vixie cron reads it.
///
/// Each field accepts `*`, numbers, ranges (`1-5`), steps (`*/15`, `1-30/5`) and comma lists of those.
/// The month field also takes `JAN`…`DEC` and the day-of-week field `SUN`…`SAT` (any case), where both
/// `0` and `7` mean Sunday. The macros `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly` and
/// `@yearly` (`@annually`) stand for their usual five fields.
///
/// When both day-of-month and day-of-week are restricted, a day matches when *either* matches
/// (`0 0 13 * FRI` fires on every 13th and on every Friday). As in Vixie cron, a field counts as
/// unrestricted when it starts with `*`, so `*/2` in day-of-month still combines with day-of-week by AND.
///
/// ```swift
/// let cron = try CronExpression("0 3 * * MON")
/// let paris = TimeZone(identifier: "Europe/Paris")!
/// let next = cron.nextFire(after: .now, in: paris)     // next Monday 03:00 in Paris
/// ```
///
/// Next fire times (``nextFire(after:in:)``) follow Vixie cron across daylight-saving changes; see
/// ``hasWildcardTime`` for the rule.
///
/// ## Topics
/// ### Parsing
/// - ``init(_:)``
/// - ``ScheduleError``
/// ### Fire times
/// - ``nextFire(after:in:)``
/// - ``fireTimes(after:count:in:)``
/// - ``fireTimes(from:through:in:)``
public struct CronExpression: Hashable, Sendable, CustomStringConvertible {
  /// The text the expression was parsed from, exactly as given (a macro stays a macro).
  public let source: String

  var minuteBits: CronBits      // 0…59
  var hourBits: CronBits        // 0…23
  var dayOfMonthBits: CronBits  // 1…31
  var monthBits: CronBits       // 1…12
  var dayOfWeekBits: CronBits   // 0…6; a parsed 7 is stored as 0

  /// Vixie's `DOM_STAR`: the day-of-month field starts with `*`.
  let dayOfMonthIsStar: Bool
  /// Vixie's `DOW_STAR`: the day-of-week field starts with `*`.
  let dayOfWeekIsStar: Bool

  /// True when the minute or the hour field starts with `*` (`*/15 * * * *`, `0 * * * *`, `@hourly`):
  /// what Vixie cron calls a *wildcard* job, as opposed to a *fixed-time* job (`30 2 * * *`, `@daily`).
  ///
  /// The difference only shows across daylight-saving changes, where flow does what Vixie cron does:
  /// - **Spring forward** (local times that don't exist, such as 02:00–02:59 in Paris on 2026-03-29):
  ///   a fixed-time job due in the gap fires once, at the first minute after the jump (03:00);
  ///   a wildcard job simply has no slots in the gap.
  /// - **Fall back** (local times that happen twice, such as 02:00–02:59 in Paris on 2026-10-25):
  ///   a fixed-time job fires once, at the first occurrence; a wildcard job fires at every matching
  ///   minute of both occurrences, so it keeps its rhythm.
  public let hasWildcardTime: Bool

  init(source: String, minutes: CronBits, hours: CronBits, daysOfMonth: CronBits, months: CronBits,
       daysOfWeek: CronBits, dayOfMonthIsStar: Bool, dayOfWeekIsStar: Bool, hasWildcardTime: Bool) {
    self.source = source
    self.minuteBits = minutes
    self.hourBits = hours
    self.dayOfMonthBits = daysOfMonth
    self.monthBits = months
    self.dayOfWeekBits = daysOfWeek
    self.dayOfMonthIsStar = dayOfMonthIsStar
    self.dayOfWeekIsStar = dayOfWeekIsStar
    self.hasWildcardTime = hasWildcardTime
  }

  /// The minutes (0–59) the expression allows, in increasing order.
  public var minutes: [Int] { minuteBits.elements }
  /// The hours (0–23) the expression allows, in increasing order.
  public var hours: [Int] { hourBits.elements }
  /// The days of the month (1–31) the day-of-month field allows, in increasing order.
  public var daysOfMonth: [Int] { dayOfMonthBits.elements }
  /// The months (1–12) the expression allows, in increasing order.
  public var months: [Int] { monthBits.elements }
  /// The weekdays (0 = Sunday … 6 = Saturday) the day-of-week field allows, in increasing order.
  public var daysOfWeek: [Int] { dayOfWeekBits.elements }

  /// True when days are matched with the OR rule: both day fields are restricted (neither starts with `*`).
  public var usesDayOrRule: Bool { !dayOfMonthIsStar && !dayOfWeekIsStar }

  /// The expression's source text.
  public var description: String { source }

  /// Whether a wall-clock day passes the day-of-month, month and day-of-week fields.
  func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
    guard monthBits.contains(month) else { return false }
    let dom = dayOfMonthBits.contains(day), dow = dayOfWeekBits.contains(weekday)
    return usesDayOrRule ? (dom || dow) : (dom && dow)
  }
}
