import Foundation

/// `$formatNumber`: XPath `format-number` pictures (`#,##0.00`, `0.0e0`, `%`, `‰`, two sub-pictures), after jsonata-js.
enum NumberFormat {
  struct Parts {
    var prefix = "", suffix = "", activePart = "", mantissaPart = "", integerPart = "", fractionalPart = ""
    var exponentPart: String?
    var subpicture = ""
  }
  struct Variables {
    var integerPartGroupingPositions: [Int] = []
    var regularGrouping = 0
    var minimumIntegerPartSize = 0
    var scalingFactor = 0
    var prefix = ""
    var fractionalPartGroupingPositions: [Int] = []
    var minimumFactionalPartSize = 0
    var maximumFactionalPartSize = 0
    var minimumExponentSize = 0
    var suffix = ""
    var picture = ""
  }

  static func format(_ value: Double, picture: String, options: JObject?) throws -> String {
    var props: [String: String] = [
      "decimal-separator": ".", "grouping-separator": ",", "exponent-separator": "e", "infinity": "Infinity",
      "minus-sign": "-", "NaN": "NaN", "percent": "%", "per-mille": "\u{2030}", "zero-digit": "0", "digit": "#",
      "pattern-separator": ";",
    ]
    if let options { for (k, v) in options.pairs { if case .string(let s) = v { props[k] = s } } }
    let zero = props["zero-digit"]!.unicodeScalars.first!.value
    let family: [Character] = (0..<10).map { Character(Unicode.Scalar(zero + $0)!) }
    let decimalSep = Character(props["decimal-separator"]!)
    let groupingSep = Character(props["grouping-separator"]!)
    let exponentSep = Character(props["exponent-separator"]!)
    let digit = Character(props["digit"]!)
    let percent = props["percent"]!, perMille = props["per-mille"]!
    let minus = props["minus-sign"]!
    let zeroDigit = family[0]
    let active: Set<Character> = Set(family + [decimalSep, exponentSep, groupingSep, digit, Character(props["pattern-separator"]!)])

    let subPictures = picture.components(separatedBy: props["pattern-separator"]!)
    if subPictures.count > 2 { throw JSONataError(.init("D3080"), "The picture string must only contain a maximum of two sub-pictures") }

    func split(_ sub: String) -> Parts {
      let chars = Array(sub)
      var p = Parts(subpicture: sub)
      let first = chars.firstIndex { active.contains($0) && $0 != exponentSep }
      let last = chars.lastIndex { active.contains($0) && $0 != exponentSep }
      p.prefix = first.map { String(chars[..<$0]) } ?? ""
      p.suffix = last.map { String(chars[($0 + 1)...]) } ?? ""
      let activeChars = Array(chars[p.prefix.count..<(chars.count - p.suffix.count)])
      p.activePart = String(activeChars)
      let expPos = chars.indices.first { $0 >= p.prefix.count && chars[$0] == exponentSep }
      if let e = expPos, e <= chars.count - p.suffix.count {
        let rel = e - p.prefix.count
        p.mantissaPart = String(activeChars[..<min(rel, activeChars.count)])
        p.exponentPart = rel + 1 <= activeChars.count ? String(activeChars[(rel + 1)...]) : ""
      } else {
        p.mantissaPart = p.activePart
      }
      if let d = p.mantissaPart.firstIndex(of: decimalSep) {
        p.integerPart = String(p.mantissaPart[..<d])
        p.fractionalPart = String(p.mantissaPart[p.mantissaPart.index(after: d)...])
      } else {
        p.integerPart = p.mantissaPart
        p.fractionalPart = p.suffix
      }
      return p
    }

    func validate(_ p: Parts) throws {
      var error: String?
      let sub = p.subpicture
      func count(_ s: String) -> Int { sub.components(separatedBy: s).count - 1 }
      if count(String(decimalSep)) > 1 { error = "D3081" }
      if count(percent) > 1 { error = "D3082" }
      if count(perMille) > 1 { error = "D3083" }
      if count(percent) > 0 && count(perMille) > 0 { error = "D3084" }
      if !p.mantissaPart.contains(where: { family.contains($0) || $0 == digit }) { error = "D3085" }
      if p.activePart.contains(where: { !active.contains($0) }) { error = "D3086" }
      let chars = Array(sub)
      if let d = chars.firstIndex(of: decimalSep) {
        if (d > 0 && chars[d - 1] == groupingSep) || (d + 1 < chars.count && chars[d + 1] == groupingSep) { error = "D3087" }
      } else if p.integerPart.last == groupingSep {
        error = "D3088"
      }
      if sub.contains(String([groupingSep, groupingSep])) { error = "D3089" }
      if let o = p.integerPart.firstIndex(of: digit), p.integerPart[..<o].contains(where: { family.contains($0) }) { error = "D3090" }
      if let o = p.fractionalPart.lastIndex(of: digit), p.fractionalPart[o...].contains(where: { family.contains($0) }) { error = "D3091" }
      if let e = p.exponentPart {
        if !e.isEmpty && (count(percent) > 0 || count(perMille) > 0) { error = "D3092" }
        if e.isEmpty || e.contains(where: { !family.contains($0) }) { error = "D3093" }
      }
      if let error { throw JSONataError(.init(error), "Invalid picture string for $formatNumber (\(error))") }
    }

    func analyse(_ p: Parts) -> Variables {
      func groupingPositions(_ part: String, toLeft: Bool) -> [Int] {
        var positions: [Int] = []
        let chars = Array(part)
        let integerChars = Array(p.integerPart)
        var pos = chars.firstIndex(of: groupingSep)
        while let g = pos {
          let slice = toLeft ? chars[..<g] : chars[g...]
          positions.append(slice.filter { family.contains($0) || $0 == digit }.count)
          pos = integerChars.indices.first { $0 > g && integerChars[$0] == groupingSep }
        }
        return positions
      }
      var v = Variables()
      v.integerPartGroupingPositions = groupingPositions(p.integerPart, toLeft: false)
      v.regularGrouping = regular(v.integerPartGroupingPositions)
      v.fractionalPartGroupingPositions = groupingPositions(p.fractionalPart, toLeft: true)
      v.minimumIntegerPartSize = p.integerPart.filter { family.contains($0) }.count
      v.scalingFactor = v.minimumIntegerPartSize
      v.minimumFactionalPartSize = p.fractionalPart.filter { family.contains($0) }.count
      v.maximumFactionalPartSize = p.fractionalPart.filter { family.contains($0) || $0 == digit }.count
      let exponentPresent = p.exponentPart != nil
      if v.minimumIntegerPartSize == 0 && v.maximumFactionalPartSize == 0 {
        if exponentPresent { v.minimumFactionalPartSize = 1; v.maximumFactionalPartSize = 1 } else { v.minimumIntegerPartSize = 1 }
      }
      if exponentPresent && v.minimumIntegerPartSize == 0 && p.integerPart.contains(digit) { v.minimumIntegerPartSize = 1 }
      if v.minimumIntegerPartSize == 0 && v.minimumFactionalPartSize == 0 { v.minimumFactionalPartSize = 1 }
      if let e = p.exponentPart { v.minimumExponentSize = e.filter { family.contains($0) }.count }
      v.prefix = p.prefix
      v.suffix = p.suffix
      v.picture = p.subpicture
      return v
    }

    let parts = subPictures.map(split)
    for p in parts { try validate(p) }
    var variables = parts.map(analyse)
    if variables.count == 1 {
      var negative = variables[0]
      negative.prefix = minus + negative.prefix
      variables.append(negative)
    }
    let pic = value >= 0 ? variables[0] : variables[1]
    var adjusted = value
    if pic.picture.contains(percent) { adjusted = value * 100 } else if pic.picture.contains(perMille) { adjusted = value * 1000 }
    var mantissa = adjusted
    var exponent: Int?
    if pic.minimumExponentSize != 0 {
      let maxMantissa = pow(10, Double(pic.scalingFactor)), minMantissa = pow(10, Double(pic.scalingFactor - 1))
      var e = 0
      if mantissa != 0 && mantissa.isFinite {
        let sign: Double = mantissa < 0 ? -1 : 1
        mantissa = abs(mantissa)
        while mantissa < minMantissa { mantissa *= 10; e -= 1 }
        while mantissa > maxMantissa { mantissa /= 10; e += 1 }
        mantissa *= sign
      }
      exponent = e
    }
    let rounded = Builtins.roundHalfEven(mantissa, pic.maximumFactionalPartSize)
    func makeString(_ v: Double, _ dp: Int) -> String {
      var s = String(format: "%.\(dp)f", abs(v))
      if zeroDigit != "0" {
        s = String(s.map { c in c.isASCII && c.isNumber ? family[Int(c.asciiValue! - 48)] : c })
      }
      return s
    }
    var s = Array(makeString(rounded, pic.maximumFactionalPartSize))
    if let dot = s.firstIndex(of: ".") { s[dot] = decimalSep } else { s.append(decimalSep) }
    while s.first == zeroDigit { s.removeFirst() }
    while s.last == zeroDigit { s.removeLast() }
    var decimalPos = s.firstIndex(of: decimalSep)!
    let padLeft = pic.minimumIntegerPartSize - decimalPos
    let padRight = pic.minimumFactionalPartSize - (s.count - decimalPos - 1)
    if padLeft > 0 { s = Array(repeating: zeroDigit, count: padLeft) + s }
    if padRight > 0 { s += Array(repeating: zeroDigit, count: padRight) }
    decimalPos = s.firstIndex(of: decimalSep)!
    if pic.regularGrouping > 0 {
      let groupCount = (decimalPos - 1) / pic.regularGrouping
      if groupCount > 0 {
        for group in 1...groupCount { s.insert(groupingSep, at: decimalPos - group * pic.regularGrouping) }
      }
    } else {
      for pos in pic.integerPartGroupingPositions {
        if decimalPos - pos >= 0 { s.insert(groupingSep, at: decimalPos - pos) }
        decimalPos += 1
      }
    }
    decimalPos = s.firstIndex(of: decimalSep)!
    for pos in pic.fractionalPartGroupingPositions where pos + decimalPos + 1 <= s.count {
      s.insert(groupingSep, at: pos + decimalPos + 1)
    }
    decimalPos = s.firstIndex(of: decimalSep)!
    if !pic.picture.contains(decimalSep) || decimalPos == s.count - 1 { s.removeLast() }
    var out = String(s)
    if let exponent {
      var e = makeString(Double(exponent), 0)
      let pad = pic.minimumExponentSize - e.count
      if pad > 0 { e = String(repeating: zeroDigit, count: pad) + e }
      out += String(exponentSep) + (exponent < 0 ? minus : "") + e
    }
    return pic.prefix + out + pic.suffix
  }

  static func regular(_ indexes: [Int]) -> Int {
    guard let first = indexes.first else { return 0 }
    func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
    let factor = indexes.dropFirst().reduce(first, gcd)
    for i in 1...indexes.count where !indexes.contains(i * factor) { return 0 }
    return factor
  }
}
