import Testing
@testable import FlowScheduler

@Suite struct CronExpressionParsingTests {
  struct Fields: Sendable, CustomTestStringConvertible {
    var source: String
    var minutes: [Int], hours: [Int], daysOfMonth: [Int], months: [Int], daysOfWeek: [Int]
    var testDescription: String { source }
  }

  static let all60 = Array(0...59), all24 = Array(0...23), all31 = Array(1...31), all12 = Array(1...12)
  static let week = Array(0...6)

  static let valid: [Fields] = [
    Fields(source: "* * * * *", minutes: all60, hours: all24, daysOfMonth: all31, months: all12, daysOfWeek: week),
    Fields(source: "*/15 * * * *", minutes: [0, 15, 30, 45], hours: all24, daysOfMonth: all31, months: all12, daysOfWeek: week),
    Fields(source: "1-30/5 9-17 * * 1-5", minutes: [1, 6, 11, 16, 21, 26], hours: Array(9...17), daysOfMonth: all31,
           months: all12, daysOfWeek: [1, 2, 3, 4, 5]),
    Fields(source: "0,15,45 0,12 1,15,31 * *", minutes: [0, 15, 45], hours: [0, 12], daysOfMonth: [1, 15, 31],
           months: all12, daysOfWeek: week),
    Fields(source: "05 03 * JAN,apr,Jul,OCT Mon", minutes: [5], hours: [3], daysOfMonth: all31, months: [1, 4, 7, 10],
           daysOfWeek: [1]),
    Fields(source: "0 0 * FEB-MAR sat-sun", minutes: [0], hours: [0], daysOfMonth: all31, months: [2, 3], daysOfWeek: [0, 6]),
    Fields(source: "0 0 * * FRI-SAT,SUN", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0, 5, 6]),
    Fields(source: "0 0 * * 7", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0]),
    Fields(source: "0 0 * * FRI-SUN", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0, 5, 6]),
    Fields(source: "0 0 * * 6-0", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0, 6]),
    Fields(source: "0 0 * * 5-7", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0, 5, 6]),
    Fields(source: "0 0 * * MON-FRI/2", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [1, 3, 5]),
    Fields(source: "0 0 * * */7", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0]),
    Fields(source: "*/59 */23 */31 */12 */7", minutes: [0, 59], hours: [0, 23], daysOfMonth: [1], months: [1],
           daysOfWeek: [0]),
    Fields(source: "  \t0  3\t* *   1  ", minutes: [0], hours: [3], daysOfMonth: all31, months: all12, daysOfWeek: [1]),
    Fields(source: "59 23 31 12 *", minutes: [59], hours: [23], daysOfMonth: [31], months: [12], daysOfWeek: week),
    Fields(source: "@hourly", minutes: [0], hours: all24, daysOfMonth: all31, months: all12, daysOfWeek: week),
    Fields(source: "@daily", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: week),
    Fields(source: "@MIDNIGHT", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: week),
    Fields(source: "@weekly", minutes: [0], hours: [0], daysOfMonth: all31, months: all12, daysOfWeek: [0]),
    Fields(source: "@monthly", minutes: [0], hours: [0], daysOfMonth: [1], months: all12, daysOfWeek: week),
    Fields(source: "@yearly", minutes: [0], hours: [0], daysOfMonth: [1], months: [1], daysOfWeek: week),
    Fields(source: " @annually ", minutes: [0], hours: [0], daysOfMonth: [1], months: [1], daysOfWeek: week),
  ]

  @Test(arguments: valid)
  func parsesFields(_ expected: Fields) throws {
    let cron = try CronExpression(expected.source)
    #expect(cron.minutes == expected.minutes)
    #expect(cron.hours == expected.hours)
    #expect(cron.daysOfMonth == expected.daysOfMonth)
    #expect(cron.months == expected.months)
    #expect(cron.daysOfWeek == expected.daysOfWeek)
    #expect(cron.source == expected.source)
  }

  @Test(arguments: [
    ("*/15 * * * *", true), ("0 * * * *", true), ("* 3 * * *", true), ("*/2 1-5 * * *", true), ("@hourly", true),
    ("30 2 * * *", false), ("0 1-3 * * *", false), ("0,30 2 * * *", false), ("@daily", false), ("@weekly", false),
  ])
  func classifiesWildcardTime_likeVixieCron(_ source: String, _ wildcard: Bool) throws {
    #expect(try CronExpression(source).hasWildcardTime == wildcard)
  }

  @Test(arguments: [
    ("0 0 13 * FRI", true), ("0 0 13 * *", false), ("0 0 * * FRI", false), ("0 0 */2 * FRI", false),
    ("0 0 1-7 * */2", false), ("0 0 1,15 * MON", true),
  ])
  func usesDayOrRule_onlyWhenNeitherDayFieldStartsWithStar(_ source: String, _ orRule: Bool) throws {
    #expect(try CronExpression(source).usesDayOrRule == orRule)
  }

  @Test func sevenAndZeroAreBothSunday() throws {
    #expect(try CronExpression("0 0 * * 7") == CronExpression("0 0 * * 0").withSource("0 0 * * 7"))
  }

  struct BadCron: Sendable, CustomTestStringConvertible {
    var source: String
    var column: Int
    var message: String
    var testDescription: String { "'\(source)'" }
  }

  static let invalid: [BadCron] = [
    BadCron(source: "", column: 0, message: "the cron expression is empty"),
    BadCron(source: "   ", column: 0, message: "the cron expression is empty"),
    BadCron(source: "0 3 * *", column: 7, message: "missing the day-of-week field"),
    BadCron(source: "0 3", column: 3, message: "missing the day-of-month, month, day-of-week fields"),
    BadCron(source: "0 3 * * * 2026", column: 10, message: "unexpected sixth field '2026'"),
    BadCron(source: "60 * * * *", column: 0, message: "minute field: 60 is out of range (0-59)"),
    BadCron(source: "0 24 * * *", column: 2, message: "hour field: 24 is out of range (0-23)"),
    BadCron(source: "0 0 0 * *", column: 4, message: "day-of-month field: 0 is out of range (1-31)"),
    BadCron(source: "0 0 32 * *", column: 4, message: "day-of-month field: 32 is out of range (1-31)"),
    BadCron(source: "0 0 * 13 *", column: 6, message: "month field: 13 is out of range (1-12)"),
    BadCron(source: "0 0 * * 8", column: 8, message: "day-of-week field: 8 is out of range (0-7)"),
    BadCron(source: "0 0 * * 99999999999", column: 8, message: "day-of-week field: 99999999999 is out of range"),
    BadCron(source: "0 0 * FOO *", column: 6, message: "month field: unknown name 'FOO'"),
    BadCron(source: "0 0 * * MON-FOO", column: 12, message: "day-of-week field: unknown name 'FOO'"),
    BadCron(source: "0 0 * * MONDAY", column: 8, message: "day-of-week field: unknown name 'MONDAY'"),
    BadCron(source: "MON * * * *", column: 0, message: "minute field: expected a number 0-59, found 'MON'"),
    BadCron(source: "0 0 L * *", column: 4, message: "day-of-month field: expected a number 1-31, found 'L'"),
    BadCron(source: "0 0 ? * *", column: 4, message: "day-of-month field: expected a number 1-31, found '?'"),
    BadCron(source: "0 0 * * 1#2", column: 9, message: "day-of-week field: unexpected '#'"),
    BadCron(source: "5-1 * * * *", column: 0, message: "minute field: range 5-1 runs backwards"),
    BadCron(source: "0 0 * * FRI-MON", column: 8, message: "day-of-week field: range 5-1 runs backwards"),
    BadCron(source: "*/0 * * * *", column: 2, message: "minute field: step 0 is out of range (1-59)"),
    BadCron(source: "*/60 * * * *", column: 2, message: "minute field: step 60 is out of range (1-59)"),
    BadCron(source: "0 */x * * *", column: 4, message: "hour field: expected a step number after '/', found 'x'"),
    BadCron(source: "0 */ * * *", column: 4, message: "hour field: expected a step number after '/', found nothing"),
    BadCron(source: "5/15 * * * *", column: 1, message: "minute field: a step needs a range or '*' before it"),
    BadCron(source: "*/5/2 * * * *", column: 3, message: "minute field: unexpected '/'"),
    BadCron(source: "*-5 * * * *", column: 1, message: "minute field: unexpected '-'"),
    BadCron(source: "1,,2 * * * *", column: 2, message: "minute field: empty list element"),
    BadCron(source: "1, * * * *", column: 2, message: "minute field: empty list element"),
    BadCron(source: ",1 * * * *", column: 0, message: "minute field: empty list element"),
    BadCron(source: "0 1- * * *", column: 4, message: "hour field: expected a number 0-23, found nothing"),
    BadCron(source: "0 0 30 2 *", column: 4, message: "day-of-month field: day 30 never occurs in FEB"),
    BadCron(source: "0 0 31 2,4,6 *", column: 4, message: "day-of-month field: day 31 never occurs in FEB,APR,JUN"),
    BadCron(source: "  0 24 * * *", column: 4, message: "hour field: 24 is out of range (0-23)"),
    BadCron(source: "0 0 * * mön", column: 8, message: "day-of-week field: unknown name 'mön'"),
    BadCron(source: "0 0 * * 1²", column: 8, message: "day-of-week field: expected a number 0-7 or a name SUN-SAT, found '1²'"),
    BadCron(source: "@hourl", column: 0, message: "unknown macro '@hourl'"),
    BadCron(source: "@reboot", column: 0, message: "@reboot is not supported"),
    BadCron(source: "@daily 5", column: 7, message: "unexpected '5' after @daily"),
  ]

  @Test(arguments: invalid)
  func rejectsBadExpression_withFieldAndColumn(_ bad: BadCron) {
    #expect {
      try CronExpression(bad.source)
    } throws: { error in
      guard let error = error as? ScheduleError else { return false }
      #expect(error.code == .invalidCron)
      #expect(error.column == bad.column)
      #expect(error.message.hasPrefix(bad.message), "message was: \(error.message)")
      #expect(error.keyPath.isEmpty)
      return true
    }
  }

  @Test func acceptsImpossibleDayOfMonth_whenDayOfWeekCanStillMatch() throws {
    // The OR rule: "the 31st of February, or any Monday in February" fires on Mondays.
    #expect(try CronExpression("0 0 31 2 MON").usesDayOrRule)
  }

  @Test func errorDescription_namesCodeKeyPathAndColumn() {
    #expect {
      try CronExpression("0 24 * * *")
    } throws: { error in
      let nested = (error as! ScheduleError).nested(under: ["Cron"])
      return nested.description == "[invalid-cron] Cron: hour field: 24 is out of range (0-23) (at column 2)"
    }
  }
}

extension CronExpression {
  /// The same expression as if written as `source` (equality compares the source text too).
  func withSource(_ source: String) -> CronExpression {
    CronExpression(source: source, minutes: minuteBits, hours: hourBits, daysOfMonth: dayOfMonthBits, months: monthBits,
                   daysOfWeek: dayOfWeekBits, dayOfMonthIsStar: dayOfMonthIsStar, dayOfWeekIsStar: dayOfWeekIsStar,
                   hasWildcardTime: hasWildcardTime)
  }
}
