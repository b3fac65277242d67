import Foundation

extension CronExpression {
  /// The first fire time strictly after `date`, in the wall-clock time of `timeZone`.
  ///
  /// Across daylight-saving changes the expression behaves as under Vixie cron (see ``hasWildcardTime``):
  /// a fixed-time slot in a skipped hour fires once right after the jump, a fixed-time slot in a repeated
  /// hour fires at its first occurrence only, and wildcard expressions fire in both occurrences.
  ///
  /// ```swift
  /// let cron = try CronExpression("30 2 * * *")
  /// let paris = TimeZone(identifier: "Europe/Paris")!
  /// // 2026-03-29 02:30 doesn't exist in Paris: the slot fires at 03:00 CEST (01:00 UTC).
  /// cron.nextFire(after: Date(timeIntervalSince1970: 1_774_735_200), in: paris)
  /// ```
  ///
  /// The search skips by field (month, day, hour, minute), so even an expression that fires once every
  /// few years (`0 0 29 2 *`) is found in well under a millisecond per year searched.
  ///
  /// - Parameters:
  ///   - date: The instant after which to search; fires are whole minutes of wall-clock time.
  ///   - timeZone: The zone whose wall-clock time the fields describe. Defaults to UTC.
  /// - Returns: The next fire time, or `nil` if there is none within 400 years (which can't happen for an
  ///   expression that parsed).
  public func nextFire(after date: Date, in timeZone: TimeZone = .gmt) -> Date? {
    var iterator = fireTimeIterator(after: date, in: timeZone)
    return iterator.next()
  }

  /// The next `count` fire times strictly after `date`, in increasing order.
  ///
  /// ```swift
  /// try CronExpression("0 3 * * MON").fireTimes(after: .now, count: 5, in: TimeZone(identifier: "Europe/Paris")!)
  /// ```
  ///
  /// - Parameters:
  ///   - date: The instant after which to search.
  ///   - count: How many fire times to return (fewer only if the 400-year search horizon runs out).
  ///   - timeZone: The zone whose wall-clock time the fields describe. Defaults to UTC.
  /// - Returns: The fire times, earliest first.
  public func fireTimes(after date: Date, count: Int, in timeZone: TimeZone = .gmt) -> [Date] {
    var iterator = fireTimeIterator(after: date, in: timeZone)
    var result: [Date] = []
    result.reserveCapacity(max(count, 0))
    while result.count < count, let fire = iterator.next() { result.append(fire) }
    return result
  }

  /// Every fire time in the closed interval `start...end`, in increasing order: the slots a catch-up
  /// after downtime would consider.
  ///
  /// ```swift
  /// // The four quarter-hours of 09:00–09:45 UTC.
  /// try CronExpression("*/15 * * * *").fireTimes(from: nine, through: nine.addingTimeInterval(45 * 60))
  /// ```
  ///
  /// The result holds one element per slot, so a long interval of a frequent expression is large
  /// (a year of `* * * * *` is 525,600 dates); ``SchedulePlanner`` bounds its own searches instead.
  ///
  /// - Parameters:
  ///   - start: The first instant included.
  ///   - end: The last instant included.
  ///   - timeZone: The zone whose wall-clock time the fields describe. Defaults to UTC.
  /// - Returns: The fire times, earliest first; empty when `end < start`.
  public func fireTimes(from start: Date, through end: Date, in timeZone: TimeZone = .gmt) -> [Date] {
    var iterator = FireTimeIterator(
      expression: self, timeZone: timeZone, lowerBound: Int(start.timeIntervalSince1970.rounded(.up)))
    var result: [Date] = []
    while let fire = iterator.next(), fire <= end { result.append(fire) }
    return result
  }

  /// An iterator over the fire times strictly after `date`.
  func fireTimeIterator(after date: Date, in timeZone: TimeZone) -> FireTimeIterator {
    FireTimeIterator(expression: self, timeZone: timeZone,
                     lowerBound: Int(date.timeIntervalSince1970.rounded(.down)) + 1)
  }
}
