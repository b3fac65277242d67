import Foundation

/// Writes instants as local wall-clock time with the UTC offset in force, e.g. "2026-03-29 03:00 +0200",
/// so expectations read like the fire tables they were computed from by hand, and an instant that occurs
/// twice in local time (DST fall-back) is still unambiguous.
enum WallClock {
  static let utc = TimeZone(identifier: "UTC")!
  static let paris = TimeZone(identifier: "Europe/Paris")!
  static let newYork = TimeZone(identifier: "America/New_York")!

  private static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    return calendar
  }()

  /// Parses "yyyy-MM-dd HH:mm[:ss] ±hhmm".
  static func date(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    precondition(parts.count == 3, "expected 'yyyy-MM-dd HH:mm ±hhmm', got \(text)")
    let day = parts[0].split(separator: "-").map { Int($0)! }
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let sign = parts[2].first == "-" ? -1 : 1
    let digits = parts[2].dropFirst()
    let offset = sign * (Int(digits.prefix(2))! * 3600 + Int(digits.suffix(2))! * 60)
    let components = DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1],
                                     second: time.count > 2 ? time[2] : 0)
    return calendar.date(from: components)!.addingTimeInterval(TimeInterval(-offset))
  }

  /// Formats `date` as "yyyy-MM-dd HH:mm ±hhmm" in `zone` (seconds appear only when not zero).
  static func format(_ date: Date, in zone: TimeZone) -> String {
    let offset = zone.secondsFromGMT(for: date)
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                    from: date.addingTimeInterval(TimeInterval(offset)))
    let sign = offset < 0 ? "-" : "+"
    let seconds = c.second! == 0 ? "" : String(format: ":%02d", c.second!)
    return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!) + seconds
      + " \(sign)" + String(format: "%02d%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
  }

  static func format(_ dates: [Date], in zone: TimeZone) -> [String] {
    dates.map { format($0, in: zone) }
  }
}
