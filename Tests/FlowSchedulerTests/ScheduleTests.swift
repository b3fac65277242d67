import FlowCore
import Foundation
import Testing
@testable import FlowScheduler

@Suite struct ScheduleTests {
  @Test func readsEveryKey() throws {
    let schedule = try Schedule(json: [
      "Cron": "0 3 * * MON", "Timezone": "Europe/Paris", "Input": ["force": false], "Overlap": "queue",
      "Catchup": true, "MaxCatchup": 3,
    ])
    #expect(schedule.cron == (try CronExpression("0 3 * * MON")))
    #expect(schedule.timeZone == TimeZone(identifier: "Europe/Paris"))
    #expect(schedule.timeZoneName == "Europe/Paris")
    #expect(JSONValue.object(schedule.input) == ["force": false])
    #expect(schedule.overlap == .queue)
    #expect(schedule.catchup)
    #expect(schedule.maxCatchup == 3)
  }

  @Test func appliesDefaults() throws {
    let schedule = try Schedule(json: ["Cron": "@hourly"])
    #expect(schedule.timeZone.secondsFromGMT(for: WallClock.date("2026-07-01 00:00 +0000")) == 0)
    #expect(schedule.timeZoneName == "UTC")
    #expect(schedule.input.isEmpty)
    #expect(schedule.overlap == .skip)
    #expect(!schedule.catchup)
    #expect(schedule.maxCatchup == Schedule.defaultMaxCatchup)
  }

  @Test func acceptsWholeNumberWrittenAsFloat() throws {
    #expect(try Schedule(json: ["Cron": "@daily", "MaxCatchup": 4.0]).maxCatchup == 4)
  }

  struct Bad: Sendable, CustomTestStringConvertible {
    var json: JSONValue
    var code: ScheduleError.Code
    var keyPath: [String]
    var column: Int?
    var message: String
    var hint: String?
    var testDescription: String { json.description }
  }

  static let bad: [Bad] = [
    Bad(json: "0 3 * * *", code: .invalidValue, keyPath: [], message: "'Schedule' must be an object with a 'Cron' key, found string"),
    Bad(json: ["Timezone": "UTC"], code: .missingKey, keyPath: [], message: "'Cron' is required"),
    Bad(json: ["Cron": 5], code: .invalidValue, keyPath: ["Cron"], message: "'Cron' must be a string such as \"0 3 * * MON\", found number 5"),
    Bad(json: ["Cron": "0 3 * * MOM"], code: .invalidCron, keyPath: ["Cron"], column: 8,
        message: "day-of-week field: unknown name 'MOM'"),
    Bad(json: ["Cron": "0 3 * *"], code: .invalidCron, keyPath: ["Cron"], column: 7,
        message: "missing the day-of-week field: a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 4"),
    Bad(json: ["Cron": "@daily", "TimeZone": "UTC"], code: .unknownKey, keyPath: ["TimeZone"],
        message: "unknown key 'TimeZone' in 'Schedule'", hint: "did you mean 'Timezone'?"),
    Bad(json: ["Cron": "@daily", "Retries": 3], code: .unknownKey, keyPath: ["Retries"],
        message: "unknown key 'Retries' in 'Schedule'", hint: "expected Cron, Timezone, Input, Overlap, Catchup, MaxCatchup"),
    Bad(json: ["Cron": "@daily", "Timezone": "Europe/Pari"], code: .unknownTimeZone, keyPath: ["Timezone"],
        message: "unknown time zone 'Europe/Pari'", hint: "did you mean 'Europe/Paris'?"),
    Bad(json: ["Cron": "@daily", "Timezone": "europe/paris"], code: .unknownTimeZone, keyPath: ["Timezone"],
        message: "unknown time zone 'europe/paris'", hint: "did you mean 'Europe/Paris'?"),
    Bad(json: ["Cron": "@daily", "Timezone": 2], code: .invalidValue, keyPath: ["Timezone"],
        message: "'Timezone' must be an IANA time zone name such as Europe/Paris, found number 2"),
    Bad(json: ["Cron": "@daily", "Input": [1, 2]], code: .invalidValue, keyPath: ["Input"],
        message: "'Input' must be an object, found array"),
    Bad(json: ["Cron": "@daily", "Overlap": "Skip"], code: .invalidValue, keyPath: ["Overlap"],
        message: "'Overlap' must be skip, queue or allow, found string \"Skip\"", hint: "did you mean 'skip'?"),
    Bad(json: ["Cron": "@daily", "Overlap": "replace"], code: .invalidValue, keyPath: ["Overlap"],
        message: "'Overlap' must be skip, queue or allow, found string \"replace\""),
    Bad(json: ["Cron": "@daily", "Catchup": "yes"], code: .invalidValue, keyPath: ["Catchup"],
        message: "'Catchup' must be true or false, found string \"yes\""),
    Bad(json: ["Cron": "@daily", "MaxCatchup": 0], code: .invalidValue, keyPath: ["MaxCatchup"],
        message: "'MaxCatchup' must be a whole number from 1 to 1000, found number 0"),
    Bad(json: ["Cron": "@daily", "MaxCatchup": 1001], code: .invalidValue, keyPath: ["MaxCatchup"],
        message: "'MaxCatchup' must be a whole number from 1 to 1000, found number 1001"),
    Bad(json: ["Cron": "@daily", "MaxCatchup": 2.5], code: .invalidValue, keyPath: ["MaxCatchup"],
        message: "'MaxCatchup' must be a whole number from 1 to 1000, found number 2.5"),
    Bad(json: ["Cron": "@daily", "MaxCatchup": "3"], code: .invalidValue, keyPath: ["MaxCatchup"],
        message: "'MaxCatchup' must be a whole number from 1 to 1000, found string \"3\""),
  ]

  @Test(arguments: bad)
  func rejectsBadBlock_withKeyPath(_ bad: Bad) {
    #expect {
      try Schedule(json: bad.json)
    } throws: { error in
      guard let error = error as? ScheduleError else { return false }
      #expect(error.code == bad.code)
      #expect(error.keyPath == bad.keyPath)
      #expect(error.column == bad.column)
      #expect(error.message == bad.message)
      if let hint = bad.hint { #expect(error.hint == hint) }
      return true
    }
  }

  @Test func problems_listsEveryProblemInKeyOrder() {
    let problems = Schedule.problems(in: ["Crn": "@daily", "Overlap": "never", "Catchup": 1])
    #expect(problems.map(\.keyPath) == [["Crn"], [], ["Overlap"], ["Catchup"]])
    #expect(problems.first?.hint == "did you mean 'Cron'?")
    #expect(Schedule.problems(in: ["Cron": "@daily"]).isEmpty)
  }

  @Test func executionInput_mergesScheduleInputOverBase() throws {
    let schedule = try Schedule(json: ["Cron": "@daily", "Input": ["force": true, "dataset": "digits"]])
    #expect(schedule.executionInput() == ["force": true, "dataset": "digits"])
    #expect(schedule.executionInput(merging: ["force": false, "epochs": 3]) == ["force": true, "epochs": 3, "dataset": "digits"])
    let plain = try Schedule(json: ["Cron": "@daily"])
    #expect(plain.executionInput(merging: ["epochs": 3]) == ["epochs": 3])
  }

  @Test func nextFires_useTheScheduleZone() throws {
    let schedule = try Schedule(json: ["Cron": "0 3 * * MON", "Timezone": "Europe/Paris"])
    let fires = schedule.nextFires(after: WallClock.date("2026-03-25 00:00 +0000"), count: 2)
    #expect(WallClock.format(fires, in: WallClock.paris) == ["2026-03-30 03:00 +0200", "2026-04-06 03:00 +0200"])
  }

  @Test func errorDescription_includesLocationWhenTheParserSetsIt() {
    var error = Schedule.problems(in: ["Cron": "0 24 * * *"])[0].nested(under: ["Flow", "Schedule"])
    error.location = SourceLocation(file: "pipelines/digits.yaml", line: 4, column: 13 + error.column!)
    #expect(error.description
            == "pipelines/digits.yaml:4:15: error: [invalid-cron] Flow.Schedule.Cron: hour field: 24 is out of range (0-23)")
  }
}
