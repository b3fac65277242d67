extension CronExpression {
  /// The first wall-clock minute at or after `start` that the expression matches, if it is at most `limit`.
  ///
  /// Minutes are counted from 1970-01-01 00:00 *wall-clock* time, with no time zone: the caller maps them to
  /// instants. The search skips by field — a whole month when the month doesn't match, a whole day when the
  /// day doesn't, then jumps straight to the next allowed hour and minute with bit scans — so a search over
  /// years costs at most one step per day, never one per minute.
  func nextMatch(atOrAfter start: Int, through limit: Int) -> Int? {
    guard start <= limit, let firstMonth = monthBits.min else { return nil }
    var day = start.floorDivided(by: 1440)
    var minuteOfDay = start - day * 1440
    while day * 1440 <= limit {
      let date = CivilDate(daysSinceEpoch: day)
      guard monthBits.contains(date.month) else {
        let target = monthBits.first(atOrAfter: date.month + 1).map { CivilDate(year: date.year, month: $0, day: 1) }
          ?? CivilDate(year: date.year + 1, month: firstMonth, day: 1)
        day = target.daysSinceEpoch
        minuteOfDay = 0
        continue
      }
      if matchesDay(month: date.month, day: date.day, weekday: CivilDate.weekday(daysSinceEpoch: day)),
         let time = firstTime(atOrAfter: minuteOfDay) {
        let result = day * 1440 + time
        return result <= limit ? result : nil
      }
      day += 1
      minuteOfDay = 0
    }
    return nil
  }

  /// The first allowed minute of the day (hour × 60 + minute) at or after `minuteOfDay`.
  func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
    var hour = minuteOfDay / 60, minute = minuteOfDay % 60
    while let allowedHour = hourBits.first(atOrAfter: hour) {
      if allowedHour != hour { minute = 0 }
      if let allowedMinute = minuteBits.first(atOrAfter: minute) { return allowedHour * 60 + allowedMinute }
      hour = allowedHour + 1
      minute = 0
    }
    return nil
  }
}

extension Int {
  /// Division rounding towards negative infinity (wall-clock times before 1970 are negative).
  func floorDivided(by divisor: Int) -> Int {
    let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
    return remainder < 0 ? quotient - 1 : quotient
  }

  /// Division rounding towards positive infinity.
  func ceilDivided(by divisor: Int) -> Int {
    -(-self).floorDivided(by: divisor)
  }
}
