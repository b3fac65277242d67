import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, as Step Functions prints them (`2026-11-22T19:10:00.123Z`).
enum Timestamps {
  static func format(_ seconds: Double) -> String {
    var time = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&time, &parts)
    let millis = Int((seconds - seconds.rounded(.down)) * 1000)
    // Written into one buffer, without interpolation: this runs for every state's context object.
    var text: [UInt8] = []
    text.reserveCapacity(24)
    func pad(_ value: Int32, _ width: Int) {
      let digits = String(value).utf8
      for _ in digits.count..<max(width, digits.count) { text.append(UInt8(ascii: "0")) }
      text.append(contentsOf: digits)
    }
    pad(parts.tm_year + 1900, 4); text.append(UInt8(ascii: "-"))
    pad(parts.tm_mon + 1, 2); text.append(UInt8(ascii: "-"))
    pad(parts.tm_mday, 2); text.append(UInt8(ascii: "T"))
    pad(parts.tm_hour, 2); text.append(UInt8(ascii: ":"))
    pad(parts.tm_min, 2); text.append(UInt8(ascii: ":"))
    pad(parts.tm_sec, 2); text.append(UInt8(ascii: "."))
    pad(Int32(millis), 3); text.append(UInt8(ascii: "Z"))
    return String(decoding: text, as: UTF8.self)
  }
}
