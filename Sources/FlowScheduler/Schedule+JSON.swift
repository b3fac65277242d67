import FlowCore
import Foundation

extension Schedule {
  /// The keys of the `Schedule` block, in the order the documentation lists them.
  public static let keys = ["Cron", "Timezone", "Input", "Overlap", "Catchup", "MaxCatchup"]

  /// Reads a `Flow.Schedule` block.
  ///
  /// ```swift
  /// let schedule = try Schedule(json: ["Cron": "*/15 * * * *", "Overlap": "queue"])
  /// ```
  ///
  /// - Parameter json: The block's value, as the YAML parser produced it.
  /// - Throws: ``ScheduleError``, the first of ``problems(in:)``: a missing or unknown key, a value of the
  ///   wrong type, an unknown time zone, or a cron expression that doesn't parse (nested under `["Cron"]`,
  ///   with the column inside the string).
  public init(json: JSONValue) throws(ScheduleError) {
    let (schedule, problems) = Schedule.read(json)
    if let first = problems.first { throw first }
    self = schedule!
  }

  /// Every problem with a `Flow.Schedule` block, for a validator that reports them all at once.
  ///
  /// - Parameter json: The block's value.
  /// - Returns: The problems in key order; empty when `Schedule(json:)` succeeds.
  public static func problems(in json: JSONValue) -> [ScheduleError] {
    read(json).problems
  }

  private static func read(_ json: JSONValue) -> (schedule: Schedule?, problems: [ScheduleError]) {
    guard case .object(let block) = json else {
      return (nil, [ScheduleError(.invalidValue, "'Schedule' must be an object with a 'Cron' key, found \(json.typeName)")])
    }
    var problems: [ScheduleError] = []
    for key in block.keys where !keys.contains(key) {
      problems.append(ScheduleError(.unknownKey, "unknown key '\(key)' in 'Schedule'", keyPath: [key],
                                    hint: closest(to: key, in: keys).map { "did you mean '\($0)'?" }
                                      ?? "expected \(keys.joined(separator: ", "))"))
    }

    var cron: CronExpression?
    switch block["Cron"] {
    case nil:
      problems.append(ScheduleError(.missingKey, "'Cron' is required", hint: "for example Cron: \"0 3 * * MON\""))
    case .string(let text)?:
      do throws(ScheduleError) { cron = try CronExpression(text) } catch { problems.append(error.nested(under: ["Cron"])) }
    case let other?:
      problems.append(typeError("Cron", expected: "a string such as \"0 3 * * MON\"", found: other))
    }

    var timeZone = TimeZone.gmt, timeZoneName = "UTC"
    switch block["Timezone"] {
    case nil: break
    case .string(let name)?:
      if let zone = TimeZone(identifier: name) {
        timeZone = zone
        timeZoneName = name
      } else {
        problems.append(ScheduleError(.unknownTimeZone, "unknown time zone '\(name)'", keyPath: ["Timezone"],
                                      hint: timeZoneHint(for: name)))
      }
    case let other?:
      problems.append(typeError("Timezone", expected: "an IANA time zone name such as Europe/Paris", found: other))
    }

    var input = JSONObject()
    switch block["Input"] {
    case nil: break
    case .object(let object)?: input = object
    case let other?: problems.append(typeError("Input", expected: "an object", found: other))
    }

    var overlap = Overlap.skip
    switch block["Overlap"] {
    case nil: break
    case .string(let name)? where Overlap(rawValue: name) != nil: overlap = Overlap(rawValue: name)!
    case let other?:
      let policies = Overlap.allCases.map(\.rawValue)
      problems.append(ScheduleError(
        .invalidValue, "'Overlap' must be skip, queue or allow, found \(render(other))", keyPath: ["Overlap"],
        hint: other.stringValue.flatMap { closest(to: $0, in: policies) }.map { "did you mean '\($0)'?" }))
    }

    var catchup = false
    switch block["Catchup"] {
    case nil: break
    case .bool(let flag)?: catchup = flag
    case let other?: problems.append(typeError("Catchup", expected: "true or false", found: other))
    }

    var maxCatchup = defaultMaxCatchup
    switch block["MaxCatchup"] {
    case nil: break
    case let value? where value.intValue.map({ (1...maximumMaxCatchup).contains($0) }) == true:
      maxCatchup = value.intValue!
    case let other?:
      problems.append(typeError("MaxCatchup", expected: "a whole number from 1 to \(maximumMaxCatchup)", found: other))
    }

    guard problems.isEmpty, let cron else { return (nil, problems) }
    var schedule = Schedule(cron: cron, timeZone: timeZone, input: input, overlap: overlap, catchup: catchup,
                            maxCatchup: maxCatchup)
    schedule.timeZoneName = timeZoneName
    return (schedule, [])
  }

  private static func typeError(_ key: String, expected: String, found: JSONValue) -> ScheduleError {
    ScheduleError(.invalidValue, "'\(key)' must be \(expected), found \(render(found))", keyPath: [key])
  }

  private static func render(_ value: JSONValue) -> String {
    switch value {
    case .object, .array, .null: value.typeName
    default: "\(value.typeName) \(value)"
    }
  }

  /// Suggests a zone that differs only in case, or is a close misspelling of `name`.
  private static func timeZoneHint(for name: String) -> String? {
    let known = TimeZone.knownTimeZoneIdentifiers
    if let match = known.first(where: { $0.lowercased() == name.lowercased() }) { return "did you mean '\(match)'?" }
    if let match = closest(to: name, in: known) { return "did you mean '\(match)'?" }
    return "use an IANA name such as Europe/Paris, America/New_York or UTC"
  }

  /// The candidate most like `word` (FlowCore's "did you mean" rule).
  static func closest(to word: String, in candidates: [String]) -> String? {
    candidates.closestMatch(to: word)
  }
}
