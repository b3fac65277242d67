import FlowCore
import FlowScheduler
import Foundation

/// What `flow schedule list` shows for each scheduled pipeline.
struct ScheduleListing {
  var pipeline: ScheduledPipeline
  /// The next fire times.
  var next: [Date]
  /// The latest recorded slot, and the execution of the latest slot that started.
  var lastFire: ScheduleFireRecord?
  var lastRun: ExecutionRecord?

  static func make(_ pipelines: [ScheduledPipeline], store: any ScheduleStore & ExecutionStore, now: Date,
                   count: Int) throws -> [ScheduleListing] {
    try pipelines.map { scheduled in
      let fires = try store.fires(of: scheduled.name, limit: 50)
      let run = try fires.first { $0.executionId != nil }?.executionId.flatMap { try store.execution($0) }
      return ScheduleListing(pipeline: scheduled, next: scheduled.schedule.nextFires(after: now, count: count),
                             lastFire: fires.first, lastRun: run)
    }
  }

  static func text(_ listings: [ScheduleListing]) -> String {
    guard !listings.isEmpty else { return "no scheduled pipelines: add a Flow.Schedule block to a pipeline file" }
    return listings.map { listing in
      let schedule = listing.pipeline.schedule
      var lines = [
        "\(listing.pipeline.name)  (\(listing.pipeline.pipeline.path))",
        "  cron      \(schedule.cron.source)  in \(schedule.timeZoneName)",
        "  overlap   \(schedule.overlap.rawValue); catchup \(schedule.catchup ? "on (at most \(schedule.maxCatchup) slots)" : "off")",
      ]
      let times = listing.next.map { local($0, in: schedule) }
      lines.append("  next      " + (times.first ?? "never"))
      lines += times.dropFirst().map { "            " + $0 }
      if let run = listing.lastRun {
        lines.append("  last run  \(ExecutionTable.status(run))  \(run.name)  (\(run.id.prefix(8)))")
      } else {
        lines.append("  last run  none yet")
      }
      if let fire = listing.lastFire, fire.action != .started {
        lines.append("  last slot \(TickLog.format(Date(timeIntervalSince1970: fire.scheduledTime))) \(fire.action.rawValue)")
      }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  static func json(_ listings: [ScheduleListing]) -> JSONValue {
    .array(listings.map { listing in
      let schedule = listing.pipeline.schedule
      var o: JSONObject = [
        "pipeline": .string(listing.pipeline.name), "path": .string(listing.pipeline.pipeline.path),
        "cron": .string(schedule.cron.source), "timezone": .string(schedule.timeZoneName),
        "overlap": .string(schedule.overlap.rawValue), "catchup": .bool(schedule.catchup),
        "maxCatchup": .int(schedule.maxCatchup),
        "next": .array(listing.next.map { .string(TickLog.format($0)) }),
      ]
      if let run = listing.lastRun {
        o["lastRun"] = ["executionId": .string(run.id), "name": .string(run.name), "status": .string(run.status.rawValue)]
      }
      if let fire = listing.lastFire {
        o["lastSlot"] = ["scheduledTime": .string(TickLog.format(Date(timeIntervalSince1970: fire.scheduledTime))),
                         "action": .string(fire.action.rawValue)]
      }
      return .object(o)
    })
  }

  /// `2026-11-24 03:00 +01:00 (02:00Z)`: wall-clock time in the schedule's zone, then UTC.
  static func local(_ date: Date, in schedule: Schedule) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = schedule.timeZone
    formatter.dateFormat = "yyyy-MM-dd HH:mm xxx EEE"
    return "\(formatter.string(from: date))  (\(TickLog.format(date)))"
  }
}
