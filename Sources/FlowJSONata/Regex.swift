import Foundation

/// A compiled regular expression literal (`/…/flags`), matched over UTF-16 offsets as JavaScript does.
struct Regex {
  let re: NSRegularExpression
  let source: String

  struct Match {
    var match: String
    var start: Int
    var end: Int
    var groups: [String]
  }

  static func compile(_ pattern: String, flags: String, position: Int) throws(JSONataError) -> NSRegularExpression {
    var options: NSRegularExpression.Options = []
    if flags.contains("i") { options.insert(.caseInsensitive) }
    if flags.contains("m") { options.insert(.anchorsMatchLines) }
    do {
      return try NSRegularExpression(pattern: pattern, options: options)
    } catch {
      throw JSONataError(.s0302, "Invalid regular expression: /\(pattern)/", position: position)
    }
  }

  /// Every match in `string`, in order (a zero-length match raises D1004 as jsonata-js does, except a lone first one).
  func matches(in string: String, limit: Int = Int.max) -> [Match] {
    let ns = string as NSString
    var out: [Match] = []
    for m in re.matches(in: string, range: NSRange(location: 0, length: ns.length)) {
      if out.count >= limit { break }
      out.append(Regex.convert(m, ns))
    }
    return out
  }

  func firstMatch(in string: String, from offset: Int) -> Match? {
    let ns = string as NSString
    guard offset <= ns.length,
          let m = re.firstMatch(in: string, range: NSRange(location: offset, length: ns.length - offset)) else { return nil }
    return Regex.convert(m, ns)
  }

  private static func convert(_ m: NSTextCheckingResult, _ ns: NSString) -> Match {
    var groups: [String] = []
    if m.numberOfRanges > 1 {
      for i in 1..<m.numberOfRanges {
        let r = m.range(at: i)
        groups.append(r.location == NSNotFound ? "" : ns.substring(with: r))
      }
    }
    return Match(match: ns.substring(with: m.range), start: m.range.location, end: m.range.location + m.range.length, groups: groups)
  }
}
