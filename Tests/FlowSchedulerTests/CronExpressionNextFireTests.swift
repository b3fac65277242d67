import Foundation
import Testing
@testable import FlowScheduler

/// Next-fire tables in UTC, computed by hand from a calendar (2026-01-01 is a Thursday).
@Suite struct CronExpressionNextFireTests {
  struct Table: Sendable, CustomTestStringConvertible {
    var cron: String
    var after: String
    var expected: [String]
    var testDescription: String { "\(cron) after \(after)" }
  }

  static let tables: [Table] = [
    // The 31st exists only in 31-day months.
    Table(cron: "0 0 31 * *", after: "2026-01-31 00:00 +0000", expected: [
      "2026-03-31 00:00 +0000", "2026-05-31 00:00 +0000", "2026-07-31 00:00 +0000", "2026-08-31 00:00 +0000",
      "2026-10-31 00:00 +0000", "2026-12-31 00:00 +0000", "2027-01-31 00:00 +0000",
    ]),
    // The 30th skips February only.
    Table(cron: "0 12 30 * *", after: "2026-01-30 12:00 +0000", expected: [
      "2026-03-30 12:00 +0000", "2026-04-30 12:00 +0000",
    ]),
    // February 29 only in leap years; 2100 is not one.
    Table(cron: "0 0 29 2 *", after: "2025-06-01 00:00 +0000", expected: [
      "2028-02-29 00:00 +0000", "2032-02-29 00:00 +0000",
    ]),
    Table(cron: "0 0 29 2 *", after: "2096-03-01 00:00 +0000", expected: ["2104-02-29 00:00 +0000"]),
    Table(cron: "0 0 L * *".replacingOccurrences(of: "L", with: "28-31"), after: "2026-02-27 00:00 +0000", expected: [
      "2026-02-28 00:00 +0000", "2026-03-28 00:00 +0000", "2026-03-29 00:00 +0000",
    ]),
    // AND rule (day-of-week starts with '*'): a February 29 that is a Sunday — 2032, 2060, then 2128 (2100 is no leap year).
    Table(cron: "0 0 29 2 */7", after: "2026-01-01 00:00 +0000", expected: [
      "2032-02-29 00:00 +0000", "2060-02-29 00:00 +0000",
    ]),
    Table(cron: "0 0 29 2 */7", after: "2088-03-01 00:00 +0000", expected: ["2128-02-29 00:00 +0000"]),
    // OR rule: every 13th and every Friday. April 2026: Fridays 3, 10, 17, 24; the 13th is a Monday; May 1 is a Friday.
    Table(cron: "0 0 13 * FRI", after: "2026-04-01 00:00 +0000", expected: [
      "2026-04-03 00:00 +0000", "2026-04-10 00:00 +0000", "2026-04-13 00:00 +0000", "2026-04-17 00:00 +0000",
      "2026-04-24 00:00 +0000", "2026-05-01 00:00 +0000",
    ]),
    // Day-of-month starting with '*' means AND, as in Vixie cron: days 1, 11, 21, 31 that are Fridays.
    Table(cron: "0 0 */10 * FRI", after: "2026-04-01 00:00 +0000", expected: [
      "2026-05-01 00:00 +0000", "2026-07-31 00:00 +0000",
    ]),
    // Day-of-week alone (day-of-month '*').
    Table(cron: "0 9 * * MON", after: "2026-01-01 00:00 +0000", expected: [
      "2026-01-05 09:00 +0000", "2026-01-12 09:00 +0000",
    ]),
    // Steps, ranges and lists.
    Table(cron: "*/15 * * * *", after: "2026-01-01 10:07 +0000", expected: [
      "2026-01-01 10:15 +0000", "2026-01-01 10:30 +0000", "2026-01-01 10:45 +0000", "2026-01-01 11:00 +0000",
    ]),
    Table(cron: "1-30/10 * * * *", after: "2026-01-01 10:21 +0000", expected: [
      "2026-01-01 11:01 +0000", "2026-01-01 11:11 +0000", "2026-01-01 11:21 +0000", "2026-01-01 12:01 +0000",
    ]),
    Table(cron: "0 9-17/4 * * MON-FRI", after: "2026-01-02 12:00 +0000", expected: [
      "2026-01-02 13:00 +0000", "2026-01-02 17:00 +0000", "2026-01-05 09:00 +0000", "2026-01-05 13:00 +0000",
    ]),
    Table(cron: "30 6 1,15 JAN,jul *", after: "2026-01-15 06:30 +0000", expected: [
      "2026-07-01 06:30 +0000", "2026-07-15 06:30 +0000", "2027-01-01 06:30 +0000",
    ]),
    Table(cron: "0 0 * * sat-sun", after: "2026-01-01 00:00 +0000", expected: [
      "2026-01-03 00:00 +0000", "2026-01-04 00:00 +0000", "2026-01-10 00:00 +0000",
    ]),
    Table(cron: "0 0 * * 7", after: "2026-01-01 00:00 +0000", expected: ["2026-01-04 00:00 +0000"]),
    // Year boundary.
    Table(cron: "59 23 31 12 *", after: "2026-12-31 23:59 +0000", expected: ["2027-12-31 23:59 +0000"]),
    // Strictly after: a fire exactly at `after` is not returned, one a second later is.
    Table(cron: "* * * * *", after: "2026-01-01 10:00 +0000", expected: ["2026-01-01 10:01 +0000"]),
    Table(cron: "* * * * *", after: "2026-01-01 09:59:59 +0000", expected: ["2026-01-01 10:00 +0000"]),
    // Macros.
    Table(cron: "@hourly", after: "2026-01-01 10:30 +0000", expected: ["2026-01-01 11:00 +0000", "2026-01-01 12:00 +0000"]),
    Table(cron: "@daily", after: "2026-01-01 10:30 +0000", expected: ["2026-01-02 00:00 +0000"]),
    Table(cron: "@midnight", after: "2026-12-31 23:59 +0000", expected: ["2027-01-01 00:00 +0000"]),
    Table(cron: "@weekly", after: "2026-01-01 00:00 +0000", expected: ["2026-01-04 00:00 +0000", "2026-01-11 00:00 +0000"]),
    Table(cron: "@monthly", after: "2026-01-31 00:00 +0000", expected: ["2026-02-01 00:00 +0000", "2026-03-01 00:00 +0000"]),
    Table(cron: "@yearly", after: "2026-01-01 00:00 +0000", expected: ["2027-01-01 00:00 +0000"]),
    Table(cron: "@annually", after: "2025-12-31 23:59 +0000", expected: ["2026-01-01 00:00 +0000"]),
    // Before 1970 works too (negative day counts).
    Table(cron: "0 0 1 1 *", after: "1969-06-01 00:00 +0000", expected: ["1970-01-01 00:00 +0000"]),
  ]

  @Test(arguments: tables)
  func firesAtHandComputedTimes(_ table: Table) throws {
    let cron = try CronExpression(table.cron)
    let fires = cron.fireTimes(after: WallClock.date(table.after), count: table.expected.count)
    #expect(WallClock.format(fires, in: WallClock.utc) == table.expected)
    #expect(cron.nextFire(after: WallClock.date(table.after)).map { WallClock.format($0, in: WallClock.utc) }
            == table.expected.first)
  }

  @Test func fireTimesFromThrough_includesBothEnds() throws {
    let cron = try CronExpression("*/15 * * * *")
    let fires = cron.fireTimes(from: WallClock.date("2026-01-01 09:00 +0000"), through: WallClock.date("2026-01-01 10:00 +0000"))
    #expect(WallClock.format(fires, in: WallClock.utc) == [
      "2026-01-01 09:00 +0000", "2026-01-01 09:15 +0000", "2026-01-01 09:30 +0000", "2026-01-01 09:45 +0000",
      "2026-01-01 10:00 +0000",
    ])
    #expect(cron.fireTimes(from: WallClock.date("2026-01-01 10:00 +0000"), through: WallClock.date("2026-01-01 09:00 +0000")).isEmpty)
  }

  @Test func fractionalSeconds_roundToWholeMinutes() throws {
    let cron = try CronExpression("* * * * *")
    let start = WallClock.date("2026-01-01 10:00 +0000")
    #expect(cron.nextFire(after: start.addingTimeInterval(0.5)) == start.addingTimeInterval(60))
    #expect(cron.nextFire(after: start.addingTimeInterval(-0.5)) == start)
    #expect(cron.fireTimes(from: start.addingTimeInterval(-0.5), through: start).count == 1)
  }

  /// Checks the field-skipping search against a scan of every minute of 40 days, dated by Foundation's calendar.
  @Test(arguments: ["*/7 */5 * * *", "13 3 1-10/3 * MON,FRI", "0 0 */3 FEB-MAR */2", "45 23 31 * *", "5 4 * * SUN",
                    "0 12 15 * 3"])
  func agreesWithMinuteByMinuteScan(_ source: String) throws {
    let cron = try CronExpression(source)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = WallClock.utc
    let start = WallClock.date("2028-01-20 00:00 +0000")
    let (minutes, hours) = (Set(cron.minutes), Set(cron.hours))
    var expected: [Date] = []
    for day in 0..<40 {
      let midnight = start.addingTimeInterval(TimeInterval(day * 86_400))
      let c = calendar.dateComponents([.day, .month, .weekday], from: midnight)
      let dom = cron.daysOfMonth.contains(c.day!), dow = cron.daysOfWeek.contains(c.weekday! - 1)
      guard cron.months.contains(c.month!), cron.usesDayOrRule ? (dom || dow) : (dom && dow) else { continue }
      for minute in 0..<1440 where hours.contains(minute / 60) && minutes.contains(minute % 60) {
        expected.append(midnight.addingTimeInterval(TimeInterval(minute * 60)))
      }
    }
    let end = start.addingTimeInterval(TimeInterval(40 * 86_400 - 1))
    #expect(cron.fireTimes(from: start, through: end) == expected)
  }

  @Test func yearLongSearches_areFast() throws {
    let sparse = try ["0 0 29 2 */7", "0 0 29 2 *", "59 23 31 12 *", "0 0 1 1 *"].map(CronExpression.init)
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      for cron in sparse {
        var after = WallClock.date("2026-01-01 00:00 +0000")
        for _ in 0..<25 {
          guard let next = cron.nextFire(after: after, in: WallClock.paris) else { break }
          after = next
        }
      }
    }
    // 100 searches spanning 25 to 800 years: a minute-by-minute scan would take hours.
    #expect(elapsed < .seconds(2), "took \(elapsed)")
  }

  @Test func everyMinute_isContinuousInUTC() throws {
    let fires = try CronExpression("* * * * *").fireTimes(after: WallClock.date("2026-02-28 23:00 +0000"), count: 180)
    #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 60 })
  }
}
