import Foundation
import Testing
@testable import FlowScheduler

/// Fire times across daylight-saving changes, following Vixie cron.
///
/// Europe/Paris 2026: clocks jump from 02:00 CET (+0100) to 03:00 CEST (+0200) on March 29, so 02:00–02:59
/// doesn't exist; they fall back from 03:00 CEST to 02:00 CET on October 25, so 02:00–02:59 happens twice.
/// America/New_York 2026: 02:00 EST (-0500) → 03:00 EDT (-0400) on March 8; 02:00 EDT → 01:00 EST on
/// November 1, so 01:00–01:59 happens twice.
@Suite struct CronExpressionDSTTests {
  struct Table: Sendable, CustomTestStringConvertible {
    var cron: String
    var zone: String
    var after: String
    var expected: [String]
    var testDescription: String { "\(cron) in \(zone) after \(after)" }
  }

  static let springForward: [Table] = [
    // A fixed-time slot in the gap fires once, at the first minute after the jump.
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-03-28 03:00 +0100", expected: [
      "2026-03-29 03:00 +0200", "2026-03-30 02:30 +0200",
    ]),
    Table(cron: "0 2 * * *", zone: "Europe/Paris", after: "2026-03-28 12:00 +0100", expected: [
      "2026-03-29 03:00 +0200", "2026-03-30 02:00 +0200",
    ]),
    // Several fixed slots in the gap, and one right after it, still fire once at 03:00.
    Table(cron: "0,30 2,3 * * *", zone: "Europe/Paris", after: "2026-03-29 01:30 +0100", expected: [
      "2026-03-29 03:00 +0200", "2026-03-29 03:30 +0200", "2026-03-30 02:00 +0200",
    ]),
    // Asked from inside the last minute before the jump, or from the jump itself.
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-03-29 01:59:30 +0100", expected: ["2026-03-29 03:00 +0200"]),
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-03-29 03:00 +0200", expected: ["2026-03-30 02:30 +0200"]),
    // Wildcard expressions have no slots in the gap and keep their rhythm after it.
    Table(cron: "0 * * * *", zone: "Europe/Paris", after: "2026-03-29 01:00 +0100", expected: [
      "2026-03-29 03:00 +0200", "2026-03-29 04:00 +0200",
    ]),
    Table(cron: "*/20 * * * *", zone: "Europe/Paris", after: "2026-03-29 01:30 +0100", expected: [
      "2026-03-29 01:40 +0100", "2026-03-29 03:00 +0200", "2026-03-29 03:20 +0200",
    ]),
    // Minute '*' makes the job a wildcard job in Vixie cron: it has no run that day at all.
    Table(cron: "*/15 2 * * *", zone: "Europe/Paris", after: "2026-03-28 12:00 +0100", expected: [
      "2026-03-30 02:00 +0200", "2026-03-30 02:15 +0200",
    ]),
    // Times outside the gap are unaffected.
    Table(cron: "30 1 * * *", zone: "Europe/Paris", after: "2026-03-28 12:00 +0100", expected: [
      "2026-03-29 01:30 +0100", "2026-03-30 01:30 +0200",
    ]),
    Table(cron: "30 2 * * *", zone: "America/New_York", after: "2026-03-07 12:00 -0500", expected: [
      "2026-03-08 03:00 -0400", "2026-03-09 02:30 -0400",
    ]),
    Table(cron: "0 * * * *", zone: "America/New_York", after: "2026-03-08 00:30 -0500", expected: [
      "2026-03-08 01:00 -0500", "2026-03-08 03:00 -0400", "2026-03-08 04:00 -0400",
    ]),
    // Only a matching day counts: a slot on another weekday isn't pulled into the Sunday gap.
    Table(cron: "30 2 * * MON", zone: "Europe/Paris", after: "2026-03-28 12:00 +0100", expected: ["2026-03-30 02:30 +0200"]),
    Table(cron: "30 2 * * SUN", zone: "Europe/Paris", after: "2026-03-28 12:00 +0100", expected: [
      "2026-03-29 03:00 +0200", "2026-04-05 02:30 +0200",
    ]),
  ]

  static let fallBack: [Table] = [
    // A fixed-time slot in the repeated hour fires once, at the first occurrence.
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-10-24 12:00 +0200", expected: [
      "2026-10-25 02:30 +0200", "2026-10-26 02:30 +0100",
    ]),
    // … even when asked from between the two occurrences.
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-10-25 02:45 +0200", expected: ["2026-10-26 02:30 +0100"]),
    Table(cron: "30 2 * * *", zone: "Europe/Paris", after: "2026-10-25 02:10 +0100", expected: ["2026-10-26 02:30 +0100"]),
    Table(cron: "0 3 * * *", zone: "Europe/Paris", after: "2026-10-25 02:30 +0200", expected: ["2026-10-25 03:00 +0100"]),
    // Wildcard expressions fire in both occurrences.
    Table(cron: "*/30 * * * *", zone: "Europe/Paris", after: "2026-10-25 01:30 +0200", expected: [
      "2026-10-25 02:00 +0200", "2026-10-25 02:30 +0200", "2026-10-25 02:00 +0100", "2026-10-25 02:30 +0100",
      "2026-10-25 03:00 +0100",
    ]),
    Table(cron: "0 * * * *", zone: "Europe/Paris", after: "2026-10-25 01:00 +0200", expected: [
      "2026-10-25 02:00 +0200", "2026-10-25 02:00 +0100", "2026-10-25 03:00 +0100",
    ]),
    Table(cron: "*/15 2 * * *", zone: "Europe/Paris", after: "2026-10-25 01:00 +0200", expected: [
      "2026-10-25 02:00 +0200", "2026-10-25 02:15 +0200", "2026-10-25 02:30 +0200", "2026-10-25 02:45 +0200",
      "2026-10-25 02:00 +0100", "2026-10-25 02:15 +0100", "2026-10-25 02:30 +0100", "2026-10-25 02:45 +0100",
      "2026-10-26 02:00 +0100",
    ]),
    Table(cron: "30 1 * * *", zone: "America/New_York", after: "2026-10-31 12:00 -0400", expected: [
      "2026-11-01 01:30 -0400", "2026-11-02 01:30 -0500",
    ]),
    Table(cron: "0 * * * *", zone: "America/New_York", after: "2026-11-01 00:30 -0400", expected: [
      "2026-11-01 01:00 -0400", "2026-11-01 01:00 -0500", "2026-11-01 02:00 -0500",
    ]),
    Table(cron: "*/20 1 * * *", zone: "America/New_York", after: "2026-11-01 00:00 -0400", expected: [
      "2026-11-01 01:00 -0400", "2026-11-01 01:20 -0400", "2026-11-01 01:40 -0400",
      "2026-11-01 01:00 -0500", "2026-11-01 01:20 -0500", "2026-11-01 01:40 -0500", "2026-11-02 01:00 -0500",
    ]),
  ]

  @Test(arguments: springForward)
  func springForward_firesSkippedFixedSlotsOnceAfterTheJump(_ table: Table) throws {
    try check(table)
  }

  @Test(arguments: fallBack)
  func fallBack_firesFixedSlotsOnceAndWildcardsTwice(_ table: Table) throws {
    try check(table)
  }

  func check(_ table: Table) throws {
    let zone = try #require(TimeZone(identifier: table.zone))
    let fires = try CronExpression(table.cron).fireTimes(after: WallClock.date(table.after), count: table.expected.count, in: zone)
    #expect(WallClock.format(fires, in: zone) == table.expected)
  }

  @Test func nonexistentLocalTime_doesNotExist() {
    // 2026-03-29 02:30 Paris doesn't exist: 01:59 +0100 is followed by 03:00 +0200, one minute later.
    let before = WallClock.date("2026-03-29 01:59 +0100")
    #expect(WallClock.format(before.addingTimeInterval(60), in: WallClock.paris) == "2026-03-29 03:00 +0200")
  }

  @Test func fireTimesFromThrough_acrossFallBack() throws {
    let cron = try CronExpression("0 * * * *")
    let fires = cron.fireTimes(from: WallClock.date("2026-10-25 01:00 +0200"), through: WallClock.date("2026-10-25 03:00 +0100"),
                               in: WallClock.paris)
    #expect(WallClock.format(fires, in: WallClock.paris) == [
      "2026-10-25 01:00 +0200", "2026-10-25 02:00 +0200", "2026-10-25 02:00 +0100", "2026-10-25 03:00 +0100",
    ])
  }

  @Test(arguments: ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])
  func everyMinute_isOneFirePerRealMinute(_ zoneName: String) throws {
    // Whatever the wall clock does, `* * * * *` fires once per elapsed minute: four days around each of the
    // zone's 2026 transitions (Lord Howe shifts by 30 minutes), or four days when it has none.
    let zone = try #require(TimeZone(identifier: zoneName))
    let cron = try CronExpression("* * * * *")
    var transitions: [Date] = []
    var probe = WallClock.date("2026-01-01 00:00 +0000")
    while let next = zone.nextDaylightSavingTimeTransition(after: probe), next < WallClock.date("2027-01-01 00:00 +0000") {
      transitions.append(next)
      probe = next
    }
    for center in transitions.isEmpty ? [WallClock.date("2026-06-01 00:00 +0000")] : transitions {
      let fires = cron.fireTimes(from: center.addingTimeInterval(-2 * 86_400), through: center.addingTimeInterval(2 * 86_400 - 60),
                                 in: zone)
      #expect(fires.count == 4 * 1440)
      #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 60 })
    }
  }

  @Test func fixedDaily_firesExactlyOncePerLocalDay_inDSTZones() throws {
    for (zone, cron) in [(WallClock.paris, "30 2 * * *"), (WallClock.newYork, "30 1 * * *"), (WallClock.newYork, "30 2 * * *")] {
      let fires = try CronExpression(cron).fireTimes(after: WallClock.date("2025-12-31 12:00 +0000"), count: 365, in: zone)
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = zone
      let days = Set(fires.map { calendar.dateComponents([.year, .month, .day], from: $0) })
      #expect(days.count == 365, "\(cron) in \(zone.identifier)")
      #expect(WallClock.format(fires.last!, in: zone).hasPrefix("2026-12-31"))
    }
  }

  /// An independent model of Vixie cron, minute by minute: a wildcard job fires whenever the wall clock shows a
  /// matching minute; a fixed-time job fires the first time a matching wall-clock minute is shown, and, right
  /// after a forward jump, once for the matching minutes the jump skipped.
  @Test(arguments: ["30 2 * * *", "0,30 1-3 * * *", "*/20 * * * *", "0 * * * *", "15 2 * * SUN", "*/10 2 * * *",
                    "0 3 * * *", "45 1 25-31 3,10 *"])
  func agreesWithMinuteByMinuteVixieModel(_ source: String) throws {
    let cron = try CronExpression(source)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    var days: [Int: DateComponents] = [:]
    let (minutes, hours, months) = (Set(cron.minutes), Set(cron.hours), Set(cron.months))
    let (daysOfMonth, daysOfWeek) = (Set(cron.daysOfMonth), Set(cron.daysOfWeek))
    func matches(wallMinute: Int) -> Bool {
      let day = Int((Double(wallMinute) / 1440).rounded(.down))
      let c = days[day] ?? calendar.dateComponents([.day, .month, .weekday], from: Date(timeIntervalSince1970: TimeInterval(day * 86_400)))
      days[day] = c
      let minuteOfDay = wallMinute - day * 1440
      let dom = daysOfMonth.contains(c.day!), dow = daysOfWeek.contains(c.weekday! - 1)
      return minutes.contains(minuteOfDay % 60) && hours.contains(minuteOfDay / 60) && months.contains(c.month!)
        && (cron.usesDayOrRule ? dom || dow : dom && dow)
    }
    for (zone, centers) in [(WallClock.paris, ["2026-03-29 01:00 +0000", "2026-10-25 01:00 +0000"]),
                            (WallClock.newYork, ["2026-03-08 07:00 +0000", "2026-11-01 06:00 +0000"])] {
      for center in centers.map(WallClock.date) {
        let start = Int(center.timeIntervalSince1970) - 30 * 3600
        var expected: [Date] = []
        var seen = Set<Int>()
        var previousWall = (start - 60 + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(start - 60)))) / 60
        for instant in stride(from: start, to: start + 60 * 3600, by: 60) {
          let wall = (instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))) / 60
          let skippedMatch = wall > previousWall + 1 && (previousWall + 1..<wall).contains(where: matches)
          let fires = cron.hasWildcardTime ? matches(wallMinute: wall) : (matches(wallMinute: wall) && !seen.contains(wall)) || skippedMatch
          if fires { expected.append(Date(timeIntervalSince1970: TimeInterval(instant))) }
          seen.insert(wall)
          previousWall = wall
        }
        let actual = cron.fireTimes(from: Date(timeIntervalSince1970: TimeInterval(start)),
                                    through: Date(timeIntervalSince1970: TimeInterval(start + 60 * 3600 - 60)), in: zone)
        #expect(WallClock.format(actual, in: zone) == WallClock.format(expected, in: zone), "\(source) in \(zone.identifier)")
      }
    }
  }
}
