import Foundation

/// A timestamp in the profile of RFC 3339 that the States Language uses: `2025-01-31T09:30:00Z`,
/// with optional fractional seconds (any number of digits) and a `Z` or `±hh:mm` offset.
/// As Step Functions requires, `T` and `Z` are upper case.
///
/// Timestamps compare as instants: `2025-01-31T10:30:00+01:00 == 2025-01-31T09:30:00Z`, exact to any precision.
public struct RFC3339Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The text it was parsed from.
  public let text: String
  /// Whole seconds since 1970-01-01T00:00:00Z.
  public let epochSeconds: Int
  /// The fractional second's digits without trailing zeros (`"5"` for `.500`), so equal instants compare equal.
  let fraction: String

  /// Parses `text`, or returns `nil` when it is not a valid timestamp (including impossible dates such as February 30).
  public init?(_ text: String) {
    let c = Array(text.utf8)
    var i = 0
    func number(_ count: Int) -> Int? {
      guard i + count <= c.count else { return nil }
      var value = 0
      for k in i..<(i + count) {
        guard c[k] >= 48, c[k] <= 57 else { return nil }
        value = value * 10 + Int(c[k] - 48)
      }
      i += count
      return value
    }
    func literal(_ byte: UInt8) -> Bool {
      guard i < c.count, c[i] == byte else { return false }
      i += 1
      return true
    }
    guard let year = number(4), literal(UInt8(ascii: "-")), let month = number(2), literal(UInt8(ascii: "-")),
      let day = number(2), literal(UInt8(ascii: "T")), let hour = number(2), literal(UInt8(ascii: ":")),
      let minute = number(2), literal(UInt8(ascii: ":")), let second = number(2)
    else { return nil }
    var fraction = ""
    if literal(UInt8(ascii: ".")) {
      let start = i
      while i < c.count, c[i] >= 48, c[i] <= 57 { i += 1 }
      guard i > start else { return nil }
      fraction = String(decoding: c[start..<i], as: UTF8.self)
      while fraction.hasSuffix("0") { fraction.removeLast() }
    }
    var offset = 0
    if literal(UInt8(ascii: "Z")) {
      offset = 0
    } else if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
      let sign = c[i] == UInt8(ascii: "-") ? -1 : 1
      i += 1
      guard let offsetHours = number(2), literal(UInt8(ascii: ":")), let offsetMinutes = number(2),
        offsetHours <= 23, offsetMinutes <= 59
      else { return nil }
      offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
    } else {
      return nil
    }
    guard i == c.count, (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year),
      hour <= 23, minute <= 59, second <= 59
    else { return nil }
    self.text = text
    self.epochSeconds = Self.daysFromCivil(year: year, month: month, day: day) * 86_400
      + hour * 3600 + minute * 60 + second - offset
    self.fraction = fraction
  }

  /// The instant as a `Date` (to about a microsecond).
  public var date: Date {
    Date(timeIntervalSince1970: Double(epochSeconds) + (Double("0." + fraction) ?? 0))
  }

  /// The text it was parsed from.
  public var description: String { text }

  public static func == (lhs: RFC3339Timestamp, rhs: RFC3339Timestamp) -> Bool {
    lhs.epochSeconds == rhs.epochSeconds && lhs.fraction == rhs.fraction
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(epochSeconds)
    hasher.combine(fraction)
  }

  public static func < (lhs: RFC3339Timestamp, rhs: RFC3339Timestamp) -> Bool {
    if lhs.epochSeconds != rhs.epochSeconds { return lhs.epochSeconds < rhs.epochSeconds }
    // Digit strings of equal length compare like the numbers they spell.
    let width = max(lhs.fraction.count, rhs.fraction.count)
    func padded(_ s: String) -> String { s + String(repeating: "0", count: width - s.count) }
    return padded(lhs.fraction) < padded(rhs.fraction)
  }

  private static func days(inMonth month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
