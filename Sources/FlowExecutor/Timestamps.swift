import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, as Step Functions prints them (`2026-11-22T19:10:00.123Z`).
enum Timestamps {
  static func format(_ seconds: Double) -> String {
    var time = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&time, &parts)
    let millis = Int((seconds - seconds.rounded(.down)) * 1000)
    func pad(_ value: Int32, _ width: Int) -> String {
      let s = String(value)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
  }

  /// Parses an RFC 3339 timestamp (`2026-01-01T00:00:00Z`, with optional fraction and offset).
  static func parse(_ text: String) -> Double? {
    let pattern = #/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/#
    guard let m = try? pattern.wholeMatch(in: text) else { return nil }
    var parts = tm()
    parts.tm_year = Int32(m.1)! - 1900
    parts.tm_mon = Int32(m.2)! - 1
    parts.tm_mday = Int32(m.3)!
    parts.tm_hour = Int32(m.4)!
    parts.tm_min = Int32(m.5)!
    parts.tm_sec = Int32(m.6)!
    guard (1...12).contains(parts.tm_mon + 1), (1...31).contains(parts.tm_mday), parts.tm_hour < 24,
      parts.tm_min < 60, parts.tm_sec < 61
    else { return nil }
    var seconds = Double(timegm(&parts))
    if let fraction = m.7 { seconds += Double("0" + fraction) ?? 0 }
    if m.8 != "Z" {
      let offset = m.8
      let sign: Double = offset.hasPrefix("-") ? -1 : 1
      let hours = Double(offset.dropFirst().prefix(2))!, minutes = Double(offset.suffix(2))!
      seconds -= sign * (hours * 3600 + minutes * 60)
    }
    return seconds
  }
}
