/// A proleptic Gregorian calendar date, with the conversions to and from a day count that the fire-time
/// search needs. Plain integer arithmetic (Howard Hinnant's `days_from_civil`), so the search never
/// allocates a `Calendar` or `DateComponents` per candidate.
struct CivilDate: Hashable, Sendable {
  var year: Int
  var month: Int  // 1…12
  var day: Int    // 1…31

  /// The date `days` days after 1970-01-01.
  init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153  // March = 0
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days from 1970-01-01 to this date.
  var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// 0 = Sunday … 6 = Saturday, for the day `days` days after 1970-01-01 (a Thursday).
  static func weekday(daysSinceEpoch days: Int) -> Int {
    ((days % 7) + 7 + 4) % 7
  }

  static func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  static func days(inMonth month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// The most days `month` can have in any year (29 for February).
  static func maximumDays(inMonth month: Int) -> Int {
    month == 2 ? 29 : days(inMonth: month, year: 2000)
  }
}
