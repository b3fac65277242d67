import Foundation

extension DateTimePicture {
  /// Reads a timestamp written with `picture`; `nil` when the text does not match it.
  static func parse(_ timestamp: String, picture: String, now: Double) throws -> Double? {
    let spec = try analyse(picture)
    var regexes: [String] = []
    var parsers: [(Character, (String) -> Double?)?] = []
    for part in spec {
      switch part {
      case .literal(let s):
        regexes.append(NSRegularExpression.escapedPattern(for: s))
        parsers.append(nil)
      case .marker(let m):
        if m.component == "Z" || m.component == "z" {
          let f = m.integerFormat!
          let separator: String? = f.regular ? f.regularSeparator.character : nil
          var regex = m.component == "z" ? "GMT" : ""
          regex += "[-+][0-9]+"
          if let separator { regex += NSRegularExpression.escapedPattern(for: separator) + "[0-9]+" }
          regexes.append(regex)
          parsers.append((m.component, { value in
            var v = value
            if m.component == "z" { v = String(v.dropFirst(3)) }
            var hours = 0.0, minutes = 0.0
            if let separator, let r = v.range(of: separator) {
              hours = Double(v[..<r.lowerBound]) ?? 0
              minutes = Double(v[r.upperBound...]) ?? 0
            } else if v.count - 1 <= 2 {
              hours = Double(v) ?? 0
            } else {
              hours = Double(v.prefix(3)) ?? 0
              minutes = Double(v.dropFirst(3)) ?? 0
            }
            return hours * 60 + minutes
          }))
        } else if let f = m.integerFormat {
          let matcher = try IntegerFormat.matcher(f)
          regexes.append(matcher.regex)
          parsers.append((m.component, matcher.parse))
        } else {
          var lookup: [String: Double] = [:]
          if m.component == "M" || m.component == "x" {
            for (i, name) in months.enumerated() { lookup[(m.widthMax.map { String(name.prefix($0)) } ?? name).lowercased()] = Double(i + 1) }
          } else if m.component == "F" {
            for (i, name) in days.enumerated() where i > 0 { lookup[(m.widthMax.map { String(name.prefix($0)) } ?? name).lowercased()] = Double(i) }
          } else if m.component == "P" {
            lookup = ["am": 0, "pm": 1]
          } else {
            throw JSONataError(.d3133, "The 'name' modifier can only be applied to months and days in the date/time picture string, not \(m.component)")
          }
          regexes.append("[a-zA-Z]+")
          parsers.append((m.component, { lookup[$0.lowercased()] }))
        }
      }
    }
    let full = "^" + regexes.map { "(\($0))" }.joined() + "$"
    guard let re = try? NSRegularExpression(pattern: full, options: [.caseInsensitive]) else { return nil }
    let ns = timestamp as NSString
    guard let info = re.firstMatch(in: timestamp, range: NSRange(location: 0, length: ns.length)) else { return nil }
    var components: [Character: Double] = [:]
    for (i, parser) in parsers.enumerated() {
      guard let (component, parse) = parser else { continue }
      let r = info.range(at: i + 1)
      guard r.location != NSNotFound else { continue }
      if let v = parse(ns.substring(with: r)) { components[component] = v }
    }
    if components.isEmpty { return nil }
    func isType(_ type: Int, _ mask: Int) -> Bool { (~type & mask) == 0 && (type & mask) != 0 }
    var mask = 0
    for c in "YXMxWwdD" { mask = mask << 1 + (components[c] != nil ? 1 : 0) }
    let dateA = isType(161, mask)
    let dateB = !dateA && isType(130, mask)
    let dateC = isType(84, mask)
    let dateD = !dateC && isType(72, mask)
    mask = 0
    for c in "PHhmsf" { mask = mask << 1 + (components[c] != nil ? 1 : 0) }
    let timeA = isType(23, mask)
    let timeB = !timeA && isType(47, mask)
    let dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD"
    let timeComps = timeB ? "Phmsf" : "Hmsf"
    var startSpecified = false, endSpecified = false
    for part in dateComps + timeComps {
      if components[part] == nil {
        if startSpecified {
          components[part] = "MDd".contains(part) ? 1 : 0
          endSpecified = true
        } else {
          switch fragment(now, part) {
          case .number(let n)?: components[part] = n
          case .string(let s)?: components[part] = s == "pm" ? 1 : 0
          default: components[part] = 0
          }
        }
      } else {
        startSpecified = true
        if endSpecified {
          throw JSONataError(.d3136, "The date/time picture string is missing specifiers required to parse the timestamp")
        }
      }
    }
    var month0 = clampInt(components["M"] ?? 0)
    month0 = month0 > 0 ? month0 - 1 : 0
    var day = clampInt(components["D"] ?? 1)
    if dateB {
      let derived = utc(clampInt(components["Y"] ?? 1970), 0) + ((components["d"] ?? 1) - 1) * dayMillis
      let p = DateTimeFormat.parts(millis: derived, offsetMinutes: 0)
      month0 = p.month - 1
      day = p.day
    }
    if dateC || dateD {
      throw JSONataError(.d3136, "The date/time picture string is missing specifiers required to parse the timestamp")
    }
    var hour = components["H"] ?? 0
    if timeB {
      let h = components["h"] ?? 0
      hour = h == 12 ? 0 : h
      if components["P"] == 1 { hour += 12 }
    }
    var millis = utc(clampInt(components["Y"] ?? 1970), month0, day) + hour * 3_600_000 + (components["m"] ?? 0) * 60_000
      + (components["s"] ?? 0) * 1000 + (components["f"] ?? 0)
    if let z = components["Z"] ?? components["z"] { millis -= z * 60_000 }
    return millis
  }
}
