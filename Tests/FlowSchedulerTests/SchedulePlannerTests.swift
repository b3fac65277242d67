import FlowCore
import Foundation
import Testing
@testable import FlowScheduler

@Suite struct SchedulePlannerTests {
  func planner(_ block: JSONValue) throws -> SchedulePlanner {
    SchedulePlanner(schedule: try Schedule(json: block))
  }

  func at(_ text: String) -> Date { WallClock.date(text) }

  func fires(_ plan: SchedulePlan, in zone: TimeZone = WallClock.utc) -> [String] {
    plan.fires.map { "\(WallClock.format($0.scheduledTime, in: zone)) \($0.action.rawValue)" }
  }

  @Test func firesTheSlotOfThisMinute() throws {
    let plan = try planner(["Cron": "*/15 * * * *"])
      .plan(lastTick: at("2026-01-01 10:14:01 +0000"), now: at("2026-01-01 10:15:02 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2026-01-01 10:15 +0000 start"])
    #expect(plan.missed == nil)
    #expect(plan.nextFire == at("2026-01-01 10:30 +0000"))
    #expect(plan.now == at("2026-01-01 10:15:02 +0000"))
  }

  @Test func nothingDue_betweenSlots() throws {
    let plan = try planner(["Cron": "*/15 * * * *"])
      .plan(lastTick: at("2026-01-01 10:15:02 +0000"), now: at("2026-01-01 10:16:01 +0000"), previousRunActive: false)
    #expect(plan.fires.isEmpty)
    #expect(plan.nextFire == at("2026-01-01 10:30 +0000"))
  }

  @Test func tickRepeatedAtTheSameInstant_firesNothingMore() throws {
    let planner = try planner(["Cron": "* * * * *", "Catchup": true])
    let now = at("2026-01-01 10:15:02 +0000")
    #expect(planner.plan(lastTick: at("2026-01-01 10:14:30 +0000"), now: now, previousRunActive: false).fires.count == 1)
    #expect(planner.plan(lastTick: now, now: now, previousRunActive: false).fires.isEmpty)
  }

  @Test func clockGoingBackwards_firesNothing() throws {
    let plan = try planner(["Cron": "* * * * *"])
      .plan(lastTick: at("2026-01-01 10:15:00 +0000"), now: at("2026-01-01 10:10:00 +0000"), previousRunActive: false)
    #expect(plan.fires.isEmpty)
    #expect(plan.missed == nil)
  }

  @Test func missedMinute_isCaughtOnTheNextTick() throws {
    // The 10:15 tick never ran; the 10:16 tick still fires the 10:15 slot.
    let plan = try planner(["Cron": "15 10 * * *"])
      .plan(lastTick: at("2026-01-01 10:14:00 +0000"), now: at("2026-01-01 10:16:00 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2026-01-01 10:15 +0000 start"])
  }

  @Test func withoutCatchup_firesOnlyTheLatestSlot_andReportsTheRest() throws {
    let plan = try planner(["Cron": "*/15 * * * *"])
      .plan(lastTick: at("2026-01-01 09:50 +0000"), now: at("2026-01-01 10:46 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2026-01-01 10:45 +0000 start"])
    #expect(plan.missed == SchedulePlan.Missed(first: at("2026-01-01 10:00 +0000"), last: at("2026-01-01 10:30 +0000"), count: 3))
  }

  @Test func withCatchup_firesEveryMissedSlot_oldestFirst_oneAfterAnother() throws {
    let plan = try planner(["Cron": "*/15 * * * *", "Catchup": true])
      .plan(lastTick: at("2026-01-01 09:00:30 +0000"), now: at("2026-01-01 10:00:30 +0000"), previousRunActive: false)
    #expect(fires(plan) == [
      "2026-01-01 09:15 +0000 start", "2026-01-01 09:30 +0000 queue", "2026-01-01 09:45 +0000 queue",
      "2026-01-01 10:00 +0000 queue",
    ])
    #expect(plan.starts == [at("2026-01-01 09:15 +0000")])
    #expect(plan.missed == nil)
  }

  @Test func withCatchup_keepsTheMostRecentMaxCatchupSlots() throws {
    let plan = try planner(["Cron": "*/15 * * * *", "Catchup": true, "MaxCatchup": 2])
      .plan(lastTick: at("2026-01-01 09:00:30 +0000"), now: at("2026-01-01 10:00:30 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2026-01-01 09:45 +0000 start", "2026-01-01 10:00 +0000 queue"])
    #expect(plan.missed == SchedulePlan.Missed(first: at("2026-01-01 09:15 +0000"), last: at("2026-01-01 09:30 +0000"), count: 2))
  }

  @Test(arguments: [
    (Schedule.Overlap.skip, ["2026-01-01 09:45 +0000 skip", "2026-01-01 10:00 +0000 skip"]),
    (.queue, ["2026-01-01 09:45 +0000 queue", "2026-01-01 10:00 +0000 queue"]),
    (.allow, ["2026-01-01 09:45 +0000 start", "2026-01-01 10:00 +0000 start"]),
  ])
  func overlapPolicy_whilePreviousRunIsActive(_ overlap: Schedule.Overlap, _ expected: [String]) throws {
    let plan = try planner(["Cron": "*/15 * * * *", "Catchup": true, "Overlap": .string(overlap.rawValue)])
      .plan(lastTick: at("2026-01-01 09:30:30 +0000"), now: at("2026-01-01 10:00:30 +0000"), previousRunActive: true)
    #expect(fires(plan) == expected)
  }

  @Test(arguments: [
    (Schedule.Overlap.skip, ["2026-01-01 09:45 +0000 start", "2026-01-01 10:00 +0000 queue"]),
    (.queue, ["2026-01-01 09:45 +0000 start", "2026-01-01 10:00 +0000 queue"]),
    (.allow, ["2026-01-01 09:45 +0000 start", "2026-01-01 10:00 +0000 start"]),
  ])
  func overlapPolicy_whenIdle(_ overlap: Schedule.Overlap, _ expected: [String]) throws {
    let plan = try planner(["Cron": "*/15 * * * *", "Catchup": true, "Overlap": .string(overlap.rawValue)])
      .plan(lastTick: at("2026-01-01 09:30:30 +0000"), now: at("2026-01-01 10:00:30 +0000"), previousRunActive: false)
    #expect(fires(plan) == expected)
  }

  @Test(arguments: [(Schedule.Overlap.skip, "skip"), (.queue, "queue"), (.allow, "start")])
  func overlapPolicy_singleSlot_whilePreviousRunIsActive(_ overlap: Schedule.Overlap, _ action: String) throws {
    let plan = try planner(["Cron": "0 * * * *", "Overlap": .string(overlap.rawValue)])
      .plan(lastTick: at("2026-01-01 09:59:10 +0000"), now: at("2026-01-01 10:00:05 +0000"), previousRunActive: true)
    #expect(fires(plan) == ["2026-01-01 10:00 +0000 \(action)"])
  }

  @Test func firstTick_looksBackOneMinuteOnly() throws {
    let planner = try planner(["Cron": "0 * * * *", "Catchup": true])
    let due = planner.plan(lastTick: nil, now: at("2026-01-01 10:00:40 +0000"), previousRunActive: false)
    #expect(fires(due) == ["2026-01-01 10:00 +0000 start"])
    #expect(due.missed == nil)
    let notDue = planner.plan(lastTick: nil, now: at("2026-01-01 10:01:01 +0000"), previousRunActive: false)
    #expect(notDue.fires.isEmpty)
    #expect(notDue.missed == nil)
  }

  @Test func firstTickLookback_isConfigurable() throws {
    let planner = SchedulePlanner(schedule: try Schedule(json: ["Cron": "0 * * * *"]), firstTickLookback: .seconds(3600))
    let plan = planner.plan(lastTick: nil, now: at("2026-01-01 10:30 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2026-01-01 10:00 +0000 start"])
  }

  @Test func yearOfDowntime_isPlannedQuickly_andMissedCountIsBounded() throws {
    let planner = try planner(["Cron": "* * * * *", "Catchup": true, "MaxCatchup": 3])
    let clock = ContinuousClock()
    var plan: SchedulePlan?
    let elapsed = clock.measure {
      plan = planner.plan(lastTick: at("2025-01-01 00:00 +0000"), now: at("2026-01-01 00:00:30 +0000"), previousRunActive: false)
    }
    #expect(try fires(#require(plan)) == [
      "2025-12-31 23:58 +0000 start", "2025-12-31 23:59 +0000 queue", "2026-01-01 00:00 +0000 queue",
    ])
    #expect(plan?.missed?.first == at("2025-01-01 00:01 +0000"))
    #expect(plan?.missed?.last == at("2025-12-31 23:57 +0000"))
    #expect(plan?.missed?.count == SchedulePlanner.missedCountLimit)
    #expect(plan?.missed?.isCountTruncated == true)
    #expect(elapsed < .seconds(2), "took \(elapsed)")
  }

  @Test func sparseScheduleAfterLongDowntime_findsTheLatestSlot() throws {
    // Yearly slots: the windows grow from one hour to years until they reach the last tick.
    let plan = try planner(["Cron": "@yearly", "Catchup": true, "MaxCatchup": 2])
      .plan(lastTick: at("2020-06-01 00:00 +0000"), now: at("2026-03-01 00:00 +0000"), previousRunActive: false)
    #expect(fires(plan) == ["2025-01-01 00:00 +0000 start", "2026-01-01 00:00 +0000 queue"])
    #expect(plan.missed == SchedulePlan.Missed(first: at("2021-01-01 00:00 +0000"), last: at("2024-01-01 00:00 +0000"), count: 4))
  }

  @Test func planFollowsTheScheduleZone_acrossTheSpringGap() throws {
    // 02:30 doesn't exist in Paris on 2026-03-29: the slot is due at 03:00 CEST, the first minute after the jump.
    let plan = try planner(["Cron": "30 2 * * *", "Timezone": "Europe/Paris"])
      .plan(lastTick: at("2026-03-29 01:59:10 +0100"), now: at("2026-03-29 03:00:05 +0200"), previousRunActive: false)
    #expect(fires(plan, in: WallClock.paris) == ["2026-03-29 03:00 +0200 start"])
    #expect(plan.nextFire.map { WallClock.format($0, in: WallClock.paris) } == "2026-03-30 02:30 +0200")
  }

  @Test func planFollowsTheScheduleZone_acrossTheFallBackOverlap() throws {
    let fixed = try planner(["Cron": "30 2 * * *", "Timezone": "Europe/Paris"])
    let hourly = try planner(["Cron": "30 * * * *", "Timezone": "Europe/Paris"])
    // Ticks at the second 02:30 (CET): the fixed-time job already ran at the first one; the wildcard job runs again.
    let lastTick = at("2026-10-25 02:29:30 +0100"), now = at("2026-10-25 02:30:05 +0100")
    #expect(fixed.plan(lastTick: lastTick, now: now, previousRunActive: false).fires.isEmpty)
    #expect(fires(hourly.plan(lastTick: lastTick, now: now, previousRunActive: false), in: WallClock.paris)
            == ["2026-10-25 02:30 +0100 start"])
  }
}
