import Foundation

/// XPath `format-dateTime` picture strings (`[Y0001]-[M01]-[D01]`, `[FNn], [D1o] [MNn]`, …) for `$fromMillis`
/// and `$toMillis`, after jsonata-js's datetime.js.
enum DateTimePicture {
  struct Marker {
    var component: Character
    var presentation1 = ""
    var presentation2: Character?
    var ordinal = false
    var names: IntegerFormat.Case?
    var widthMin: Int?
    var widthMax: Int?
    var integerFormat: IntegerFormat.Picture?
    var n = -1
  }
  enum Part { case literal(String), marker(Marker) }

  static let defaultPresentation: [Character: String] = [
    "Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1",
    "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n",
  ]
  static let days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
  static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                       "November", "December"]

  static func analyse(_ picture: String) throws -> [Part] {
    let chars = Array(picture)
    var spec: [Part] = []
    func addLiteral(_ start: Int, _ end: Int) {
      if end > start {
        spec.append(.literal(String(chars[start..<end]).replacingOccurrences(of: "]]", with: "]")))
      }
    }
    var start = 0, pos = 0
    while pos < chars.count {
      if chars[pos] == "[" {
        if pos + 1 < chars.count, chars[pos + 1] == "[" {
          addLiteral(start, pos)
          spec.append(.literal("["))
          pos += 2
          start = pos
          continue
        }
        addLiteral(start, pos)
        start = pos
        guard let close = chars[start...].firstIndex(of: "]") else {
          throw JSONataError(.d3135, "No matching closing bracket ']' in date/time picture string")
        }
        pos = close
        let markerText = String(chars[(start + 1)..<pos].filter { !$0.isWhitespace })
        guard let component = markerText.first else {
          throw JSONataError(.d3132, "Unknown component specifier  in date/time picture string")
        }
        var def = Marker(component: component)
        var presMod: String
        if let comma = markerText.lastIndex(of: ",") {
          let widthMod = String(markerText[markerText.index(after: comma)...])
          let bounds = widthMod.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
          func width(_ s: String?) -> Int? { guard let s, s != "*" else { return nil }; return Int(s.prefix { $0.isNumber }) }
          def.widthMin = width(bounds.first)
          def.widthMax = bounds.count > 1 ? width(bounds[1]) : nil
          presMod = String(markerText[markerText.index(after: markerText.startIndex)..<comma])
        } else {
          presMod = String(markerText.dropFirst())
        }
        if presMod.count == 1 {
          def.presentation1 = presMod
        } else if presMod.count > 1 {
          let last = presMod.last!
          if "atco".contains(last) {
            def.presentation2 = last
            if last == "o" { def.ordinal = true }
            def.presentation1 = String(presMod.dropLast())
          } else {
            def.presentation1 = presMod
          }
        } else {
          guard let p = defaultPresentation[component] else {
            throw JSONataError(.d3132, "Unknown component specifier \(component) in date/time picture string")
          }
          def.presentation1 = p
        }
        if def.presentation1.first == "n" {
          def.names = .lower
        } else if def.presentation1.first == "N" {
          def.names = def.presentation1.dropFirst().first == "n" ? .title : .upper
        } else if "YMDdFWwXxHhmsf".contains(component) {
          var pattern = def.presentation1
          if let p2 = def.presentation2 { pattern += ";" + String(p2) }
          var integer = try IntegerFormat.analyse(pattern)
          if let min = def.widthMin, integer.mandatoryDigits < min { integer.mandatoryDigits = min }
          if component == "Y" {
            def.n = -1
            if let max = def.widthMax {
              def.n = max
              integer.mandatoryDigits = max
            } else {
              let w = integer.mandatoryDigits + integer.optionalDigits
              if w >= 2 { def.n = w }
            }
          }
          if case .marker(var previous)? = spec.last, var pf = previous.integerFormat {
            pf.parseWidth = pf.mandatoryDigits
            previous.integerFormat = pf
            spec[spec.count - 1] = .marker(previous)
          }
          def.integerFormat = integer
        }
        if component == "Z" || component == "z" {
          def.integerFormat = try IntegerFormat.analyse(def.presentation1)
        }
        if defaultPresentation[component] == nil {
          throw JSONataError(.d3132, "Unknown component specifier \(component) in date/time picture string")
        }
        spec.append(.marker(def))
        start = pos + 1
      }
      pos += 1
    }
    addLiteral(start, pos)
    return spec
  }

  static let dayMillis = 86_400_000.0

  static func utc(_ y: Int, _ m0: Int, _ d: Int = 1) -> Double {
    let y2 = y + Int((Double(m0) / 12).rounded(.down))
    let m = ((m0 % 12) + 12) % 12
    return Double(DateTimeFormat.daysFromCivil(y2, m + 1, 1) + d - 1) * dayMillis
  }

  static func startOfFirstWeek(_ year: Int, _ month0: Int) -> Double {
    let jan1 = utc(year, month0)
    var day = DateTimeFormat.parts(millis: jan1, offsetMinutes: 0).dayOfWeek
    if day == 0 { day = 7 }
    return day > 4 ? jan1 + Double(8 - day) * dayMillis : jan1 - Double(day - 1) * dayMillis
  }

  /// The value of one component of the (offset-adjusted) timestamp.
  static func fragment(_ millis: Double, _ component: Character) -> JV? {
    let p = DateTimeFormat.parts(millis: millis, offsetMinutes: 0)
    func deltaWeeks(_ start: Double, _ end: Double) -> Double { (end - start) / (dayMillis * 7) + 1 }
    switch component {
    case "Y": return .number(Double(p.year))
    case "M": return .number(Double(p.month))
    case "D": return .number(Double(p.day))
    case "d": return .number(Double(p.dayOfYear))
    case "F": return .number(Double(p.dayOfWeek))
    case "W":
      let start = startOfFirstWeek(p.year, 0)
      let today = utc(p.year, p.month - 1, p.day)
      var week = deltaWeeks(start, today)
      if week > 52 {
        if today >= startOfFirstWeek(p.year + 1, 0) { week = 1 }
      } else if week < 1 {
        week = deltaWeeks(startOfFirstWeek(p.year - 1, 0), today)
      }
      return .number(week.rounded(.down))
    case "w":
      let start = startOfFirstWeek(p.year, p.month - 1)
      let today = utc(p.year, p.month - 1, p.day)
      var week = deltaWeeks(start, today)
      if week > 4 {
        if today >= startOfFirstWeek(p.year, p.month) { week = 1 }
      } else if week < 1 {
        week = deltaWeeks(startOfFirstWeek(p.year, p.month - 2), today)
      }
      return .number(week.rounded(.down))
    case "X":
      let start = startOfFirstWeek(p.year, 0), end = startOfFirstWeek(p.year + 1, 0)
      return .number(Double(millis < start ? p.year - 1 : millis >= end ? p.year + 1 : p.year))
    case "x":
      let start = startOfFirstWeek(p.year, p.month - 1), end = startOfFirstWeek(p.year, p.month)
      if millis < start { return .number(Double((p.month + 10) % 12 + 1)) }
      if millis >= end { return .number(Double(p.month % 12 + 1)) }
      return .number(Double(p.month))
    case "H": return .number(Double(p.hour))
    case "h":
      let h = p.hour % 12
      return .number(Double(h == 0 ? 12 : h))
    case "P": return .string(p.hour >= 12 ? "pm" : "am")
    case "m": return .number(Double(p.minute))
    case "s": return .number(Double(p.second))
    case "f": return .number(Double(p.millis))
    case "C", "E": return .string("ISO")
    default: return nil
    }
  }

  static func format(millis: Double, picture: String, offset: Int) throws -> String {
    let spec = try analyse(picture)
    let offsetHours = Int((Double(offset) / 60).rounded(.towardZero))
    let offsetMinutes = offset % 60
    let adjusted = millis + Double(offset) * 60_000
    var result = ""
    for part in spec {
      switch part {
      case .literal(let s): result += s
      case .marker(let m): result += try formatComponent(adjusted, m, offsetHours: offsetHours, offsetMinutes: offsetMinutes)
      }
    }
    return result
  }

  static func formatComponent(_ millis: Double, _ m: Marker, offsetHours: Int, offsetMinutes: Int) throws -> String {
    let value = fragment(millis, m.component)
    if "YMDdFWwXxHhms".contains(m.component) {
      var n = value?.asNumber ?? 0
      if m.component == "Y", m.n != -1 { n = n.truncatingRemainder(dividingBy: pow(10, Double(m.n))) }
      if let names = m.names {
        var name: String
        if m.component == "M" || m.component == "x" {
          name = months[max(0, min(11, clampInt(n) - 1))]
        } else if m.component == "F" {
          name = days[max(0, min(7, clampInt(n)))]
        } else {
          throw JSONataError(.d3133, "The 'name' modifier can only be applied to months and days in the date/time picture string, not \(m.component)")
        }
        if names == .upper { name = name.uppercased() } else if names == .lower { name = name.lowercased() }
        if let max = m.widthMax, name.count > max { name = String(name.prefix(max)) }
        return name
      }
      return try IntegerFormat.format(n, m.integerFormat!)
    }
    switch m.component {
    case "f":
      return try IntegerFormat.format(value?.asNumber ?? 0, m.integerFormat!)
    case "Z", "z":
      let offset = offsetHours * 100 + offsetMinutes
      let f = m.integerFormat!
      var text: String
      if f.regular {
        text = try IntegerFormat.format(Double(offset), f)
      } else {
        let digits = f.mandatoryDigits
        if digits == 1 || digits == 2 {
          text = try IntegerFormat.format(Double(offsetHours), f)
          if offsetMinutes != 0 { text += ":" + (try IntegerFormat.format(Double(offsetMinutes), picture: "00")) }
        } else if digits == 3 || digits == 4 {
          text = try IntegerFormat.format(Double(offset), f)
        } else {
          throw JSONataError(.d3134, "The timezone integer format specifier cannot have more than four digits")
        }
      }
      if offset >= 0 { text = "+" + text }
      if m.component == "z" { text = "GMT" + text }
      if offset == 0 && m.presentation2 == "t" { text = "Z" }
      return text
    case "P":
      let s = value?.asString ?? ""
      return m.names == .upper ? s.uppercased() : s
    default:
      return value?.asString ?? ""
    }
  }
}
