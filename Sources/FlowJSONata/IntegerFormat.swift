import Foundation

/// `$formatInteger` / `$parseInteger`: XPath `format-integer` pictures (decimal digit patterns, `a`/`A` letters,
/// `i`/`I` roman numerals, `w`/`W`/`Ww` words, `;o` ordinals), after jsonata-js's datetime.js.
enum IntegerFormat {
  enum Primary { case decimal, letters, roman, words, sequence }
  enum Case { case upper, lower, title }

  struct Picture {
    var primary = Primary.decimal
    var letterCase = Case.lower
    var ordinal = false
    var zeroCode: UInt32 = 0x30
    var mandatoryDigits = 0
    var optionalDigits = 0
    var regular = false
    var regularSeparator: (position: Int, character: String) = (0, "")
    var separators: [(position: Int, character: String)] = []
    var token = ""
    var parseWidth: Int?
  }

  static let few = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                    "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
  static let ordinals = ["Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
                         "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
                         "Eighteenth", "Nineteenth"]
  static let decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"]
  static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]
  static let decimalGroups: [UInt32] = [0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
    0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10]

  static func words(_ value: Double, ordinal: Bool) -> String {
    func lookup(_ num: Double, _ prev: Bool, _ ord: Bool) -> String {
      var words = ""
      if num <= 19 {
        words = (prev ? " and " : "") + (ord ? ordinals[Int(num)] : few[Int(num)])
      } else if num < 100 {
        let tens = Int(num / 10), remainder = Int(num.truncatingRemainder(dividingBy: 10))
        words = (prev ? " and " : "") + decades[tens - 2]
        if remainder > 0 {
          words += "-" + lookup(Double(remainder), false, ord)
        } else if ord {
          words = String(words.dropLast()) + "ieth"
        }
      } else if num < 1000 {
        let hundreds = Int(num / 100), remainder = num.truncatingRemainder(dividingBy: 100)
        words = (prev ? ", " : "") + few[hundreds] + " Hundred"
        if remainder > 0 { words += lookup(remainder, true, ord) } else if ord { words += "th" }
      } else {
        var mag = Int((log10(num) / 3).rounded(.down))
        if mag > magnitudes.count { mag = magnitudes.count }
        let factor = pow(10, Double(mag * 3))
        let mant = (num / factor).rounded(.down)
        let remainder = num - mant * factor
        words = (prev ? ", " : "") + lookup(mant, false, false) + " " + magnitudes[mag - 1]
        if remainder > 0 { words += lookup(remainder, true, ord) } else if ord { words += "th" }
      }
      return words
    }
    return lookup(value, false, ordinal)
  }

  static let wordValues: [String: Double] = {
    var w: [String: Double] = [:]
    for (i, word) in few.enumerated() { w[word.lowercased()] = Double(i) }
    for (i, word) in ordinals.enumerated() { w[word.lowercased()] = Double(i) }
    for (i, word) in decades.enumerated() {
      let l = word.lowercased()
      w[l] = Double((i + 2) * 10)
      w[String(l.dropLast()) + "ieth"] = w[l]
    }
    w["hundredth"] = 100
    for (i, word) in magnitudes.enumerated() {
      let l = word.lowercased()
      let v = pow(10, Double((i + 1) * 3))
      w[l] = v
      w[l + "th"] = v
    }
    return w
  }()

  static func wordsToNumber(_ text: String) -> Double {
    let re = try! NSRegularExpression(pattern: ",\\s|\\sand\\s|[\\s\\\\-]")
    let ns = text as NSString
    var parts: [String] = []
    var last = 0
    for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
      parts.append(ns.substring(with: NSRange(location: last, length: m.range.location - last)))
      last = m.range.location + m.range.length
    }
    parts.append(ns.substring(from: last))
    var segs: [Double] = [0]
    for part in parts {
      let value = wordValues[part] ?? .nan
      if value < 100 {
        var top = segs.removeLast()
        if top >= 1000 { segs.append(top); top = 0 }
        segs.append(top + value)
      } else {
        segs.append(segs.removeLast() * value)
      }
    }
    return segs.reduce(0, +)
  }

  static let romanNumerals: [(Double, String)] = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                                                  (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]

  static func roman(_ value: Double) throws -> String {
    if value > 1e7 { throw JSONataError(.d1001, "Number out of range for roman numerals: \(JV.format(value))") }
    var v = value, out = ""
    for (n, s) in romanNumerals { while v >= n { out += s; v -= n } }
    return out
  }

  static func romanToDecimal(_ roman: String) -> Double {
    let values: [Character: Double] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
    var decimal = 0.0, maxSeen = 1.0
    for c in roman.reversed() {
      let v = values[c] ?? 0
      if v < maxSeen { decimal -= v } else { maxSeen = v; decimal += v }
    }
    return decimal
  }

  static func letters(_ value: Double, _ a: Unicode.Scalar) -> String {
    var v = clampInt(value), out: [Unicode.Scalar] = []
    while v > 0 {
      out.insert(Unicode.Scalar(UInt32((v - 1) % 26) + a.value)!, at: 0)
      v = (v - 1) / 26
    }
    return String(String.UnicodeScalarView(out))
  }

  static func lettersToDecimal(_ s: String, _ a: Unicode.Scalar) -> Double {
    var decimal = 0.0
    for (i, c) in s.unicodeScalars.reversed().enumerated() {
      decimal += Double(Int(c.value) - Int(a.value) + 1) * pow(26, Double(i))
    }
    return decimal
  }

  static func analyse(_ picture: String) throws -> Picture {
    var format = Picture()
    var primaryFormat = picture
    if let semicolon = picture.lastIndex(of: ";") {
      primaryFormat = String(picture[..<semicolon])
      let modifier = picture[picture.index(after: semicolon)...]
      if modifier.first == "o" { format.ordinal = true }
    }
    switch primaryFormat {
    case "A": format.letterCase = .upper; format.primary = .letters
    case "a": format.primary = .letters
    case "I": format.letterCase = .upper; format.primary = .roman
    case "i": format.primary = .roman
    case "W": format.letterCase = .upper; format.primary = .words
    case "Ww": format.letterCase = .title; format.primary = .words
    case "w": format.primary = .words
    default:
      var zeroCode: UInt32?
      var mandatory = 0, optional = 0, separatorPosition = 0
      var separators: [(position: Int, character: String)] = []
      for scalar in primaryFormat.unicodeScalars.reversed() {
        let cp = scalar.value
        if let group = decimalGroups.first(where: { cp >= $0 && cp <= $0 + 9 }) {
          mandatory += 1
          separatorPosition += 1
          if zeroCode == nil { zeroCode = group } else if zeroCode != group {
            throw JSONataError(.d3131, "In a decimal digit pattern, all digits must be from the same decimal group")
          }
        } else if cp == 0x23 {
          separatorPosition += 1
          optional += 1
        } else {
          separators.append((separatorPosition, String(scalar)))
        }
      }
      if mandatory > 0 {
        format.primary = .decimal
        format.zeroCode = zeroCode!
        format.mandatoryDigits = mandatory
        format.optionalDigits = optional
        let regular = regularRepeat(separators)
        if regular > 0 {
          format.regular = true
          format.regularSeparator = (regular, separators[0].character)
        } else {
          format.separators = separators
        }
      } else {
        format.primary = .sequence
        format.token = primaryFormat
      }
    }
    return format
  }

  static func regularRepeat(_ separators: [(position: Int, character: String)]) -> Int {
    guard let first = separators.first else { return 0 }
    if separators.contains(where: { $0.character != first.character }) { return 0 }
    let indexes = separators.map(\.position)
    func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
    let factor = indexes.dropFirst().reduce(indexes[0], gcd)
    for i in 1...indexes.count where !indexes.contains(i * factor) { return 0 }
    return factor
  }

  static func format(_ value: Double, picture: String) throws -> String {
    try format(value.rounded(.down), try analyse(picture))
  }

  static func format(_ value: Double, _ format: Picture) throws -> String {
    let negative = value < 0
    let value = abs(value)
    var out: String
    switch format.primary {
    case .letters: out = letters(value, format.letterCase == .upper ? "A" : "a")
    case .roman:
      out = try roman(value)
      if format.letterCase == .upper { out = out.uppercased() }
    case .words:
      out = words(value, ordinal: format.ordinal)
      if format.letterCase == .upper { out = out.uppercased() } else if format.letterCase == .lower { out = out.lowercased() }
    case .decimal:
      out = value < 1e21 ? String(format: "%.0f", value) : JV.format(value)
      let padLength = min(format.mandatoryDigits, 10_000) - out.count
      if padLength > 0 { out = String(repeating: "0", count: padLength) + out }
      if format.zeroCode != 0x30 {
        out = String(String.UnicodeScalarView(out.unicodeScalars.map { Unicode.Scalar($0.value + format.zeroCode - 0x30) ?? $0 }))
      }
      var chars = out.unicodeScalars.map { String($0) }
      if format.regular {
        let step = format.regularSeparator.position
        let n = (chars.count - 1) / step
        if n > 0 {
          for ii in stride(from: n, to: 0, by: -1) {
            chars.insert(format.regularSeparator.character, at: chars.count - ii * step)
          }
        }
      } else {
        for sep in format.separators.reversed() {
          let pos = chars.count - sep.position
          if pos >= 0 { chars.insert(sep.character, at: pos) }
        }
      }
      out = chars.joined()
      if format.ordinal {
        let last = out.last
        var suffix = ["1": "st", "2": "nd", "3": "rd"][last.map(String.init) ?? ""] ?? "th"
        if out.count > 1, out.dropLast().last == "1" { suffix = "th" }
        out += suffix
      }
    case .sequence:
      throw JSONataError(.d3130, "Formatting an integer as a sequence starting with \(format.token) is not supported by this implementation")
    }
    return negative ? "-" + out : out
  }

  /// A regex matching the formatted form, and the function that reads it back.
  static func matcher(_ format: Picture) throws -> (regex: String, parse: (String) -> Double?) {
    let upper = format.letterCase == .upper
    switch format.primary {
    case .letters:
      return (upper ? "[A-Z]+" : "[a-z]+", { lettersToDecimal($0, upper ? "A" : "a") })
    case .roman:
      return (upper ? "[MDCLXVI]+" : "[mdclxvi]+", { romanToDecimal($0.uppercased()) })
    case .words:
      let alternatives = wordValues.keys.sorted { $0.count > $1.count } + ["and", "[\\-, ]"]
      return ("(?:" + alternatives.joined(separator: "|") + ")+", { wordsToNumber($0.lowercased()) })
    case .decimal:
      var regex = "[0-9]"
      if let w = format.parseWidth { regex += "{\(w)}" } else { regex += "+" }
      if format.ordinal { regex += "(?:th|st|nd|rd)" }
      return (regex, { value in
        var digits = value
        if format.ordinal { digits = String(digits.dropLast(2)) }
        if format.regular {
          digits = digits.replacingOccurrences(of: ",", with: "")
        } else {
          for sep in format.separators { digits = digits.replacingOccurrences(of: sep.character, with: "") }
        }
        if format.zeroCode != 0x30 {
          digits = String(String.UnicodeScalarView(digits.unicodeScalars.map { Unicode.Scalar($0.value - format.zeroCode + 0x30) ?? $0 }))
        }
        return Double(digits.prefix { $0.isASCII && $0.isNumber })
      })
    case .sequence:
      throw JSONataError(.d3130, "Formatting an integer as a sequence starting with \(format.token) is not supported by this implementation")
    }
  }

  static func parse(_ s: String, picture: String) throws -> Double? {
    try matcher(try analyse(picture)).parse(s)
  }
}
