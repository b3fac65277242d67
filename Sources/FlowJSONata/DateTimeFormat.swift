import Foundation

/// `$fromMillis` / `$toMillis` / `$now`: timestamps as ISO 8601 text, or formatted with an XPath picture string.
enum DateTimeFormat {
  /// Days from 1970-01-01 to the civil date (proleptic Gregorian).
  static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y - 1 : y
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  static func civilFromDays(_ z: Int) -> (year: Int, month: Int, day: Int) {
    let z = z + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  struct Parts {
    var year, month, day, hour, minute, second, millis: Int
    var dayOfWeek: Int   // 1 = Monday … 7 = Sunday
    var dayOfYear: Int
    var offsetMinutes: Int
  }

  static func parts(millis: Double, offsetMinutes: Int) -> Parts {
    let total = clampInt((millis + Double(offsetMinutes) * 60_000).rounded(.down))
    var days = total / 86_400_000
    var rem = total % 86_400_000
    if rem < 0 { rem += 86_400_000; days -= 1 }
    let (y, m, d) = civilFromDays(days)
    let dow = ((days % 7) + 7 + 3) % 7 + 1   // 1970-01-01 was a Thursday
    let doy = days - daysFromCivil(y, 1, 1) + 1
    return Parts(year: y, month: m, day: d, hour: rem / 3_600_000, minute: rem / 60_000 % 60, second: rem / 1000 % 60,
                 millis: rem % 1000, dayOfWeek: dow, dayOfYear: doy, offsetMinutes: offsetMinutes)
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(abs(n))
    return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
  }

  static func format(millis: Double, picture: String?, timezone: String?) throws -> String {
    guard let picture else {
      let offset = try timezone.map(parseTimezone) ?? 0
      if timezone == nil {
        let p = parts(millis: millis, offsetMinutes: 0)
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2)).\(pad(p.millis, 3))Z"
      }
      return try DateTimePicture.format(millis: millis, picture: "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]", offset: offset)
    }
    return try DateTimePicture.format(millis: millis, picture: picture, offset: try timezone.map(parseTimezone) ?? 0)
  }

  /// `±HHMM` to minutes east of UTC.
  static func parseTimezone(_ tz: String) throws -> Int {
    let digits = tz.filter { $0.isNumber }
    guard let v = Int(digits) else { return 0 }
    let minutes = (v / 100) * 60 + v % 100
    return tz.hasPrefix("-") ? -minutes : minutes
  }

  static func parse(_ s: String, picture: String?, now: Double) throws -> Double? {
    if let picture { return try DateTimePicture.parse(s, picture: picture, now: now) }
    let pattern = "^(\\d{4})(?:-(\\d{2}))?(?:-(\\d{2}))?(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?(Z|[+-]\\d{2}:?\\d{2})?$"
    let re = try! NSRegularExpression(pattern: pattern)
    let ns = s as NSString
    guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else {
      throw JSONataError(.d3110, "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"\(s)\"")
    }
    func group(_ i: Int) -> String? {
      let r = m.range(at: i)
      return r.location == NSNotFound ? nil : ns.substring(with: r)
    }
    let y = Int(group(1)!)!, mo = Int(group(2) ?? "1")!, d = Int(group(3) ?? "1")!
    let h = Int(group(4) ?? "0")!, mi = Int(group(5) ?? "0")!, sec = Int(group(6) ?? "0")!
    let frac = group(7).map { Double("0." + $0)! } ?? 0
    var offset = 0
    if let z = group(8), z != "Z" { offset = try parseTimezone(z) }
    let days = daysFromCivil(y, mo, d)
    let ms = Double(days) * 86_400_000 + Double(h * 3_600_000 + mi * 60_000 + sec * 1000) + (frac * 1000).rounded(.down)
    return ms - Double(offset) * 60_000
  }
}
