extension CronExpression {
  /// The macros and the five fields each stands for (Vixie cron's list, less `@reboot`).
  public static let macros: [(name: String, fields: String)] = [
    ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
  ]

  /// Parses a five-field cron expression or a macro.
  ///
  /// Blanks (spaces and tabs) separate the fields; leading and trailing blanks are ignored.
  ///
  /// ```swift
  /// let weekdays = try CronExpression("30 6 * * MON-FRI")
  /// let quarterly = try CronExpression("0 0 1 JAN,APR,JUL,OCT *")
  /// let hourly = try CronExpression("@hourly")
  /// ```
  ///
  /// - Parameter source: The expression, such as `"*/15 9-17 * * 1-5"`.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/invalidCron``, a message naming the field
  ///   and what is wrong, and the 0-based ``ScheduleError/column`` of the offending character. An
  ///   expression that can never fire (`0 0 30 2 *`) is an error too, rather than a schedule that
  ///   silently never runs.
  public init(_ source: String) throws(ScheduleError) {
    self = try CronParser(source: source).parse()
  }
}

/// One of the five fields: its name for messages, its range, and its names (`JAN`, `SUN`) if any.
private struct FieldSpec {
  let name: String
  let range: ClosedRange<Int>
  /// Names in order; the first names `range.lowerBound` for weekdays (SUN = 0) and 1 for months.
  let names: [String]
  let firstNamedValue: Int

  static let all: [FieldSpec] = [
    FieldSpec(name: "minute", range: 0...59, names: [], firstNamedValue: 0),
    FieldSpec(name: "hour", range: 0...23, names: [], firstNamedValue: 0),
    FieldSpec(name: "day-of-month", range: 1...31, names: [], firstNamedValue: 1),
    FieldSpec(name: "month", range: 1...12,
              names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
              firstNamedValue: 1),
    FieldSpec(name: "day-of-week", range: 0...7,
              names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], firstNamedValue: 0),
  ]

  var expected: String {
    let numbers = "\(range.lowerBound)-\(range.upperBound)"
    return names.isEmpty ? "a number \(numbers)" : "a number \(numbers) or a name \(names.first!)-\(names.last!)"
  }
}

/// A hand-written scanner over Unicode scalars, so that every error can carry an exact column.
private struct CronParser {
  let source: String
  let text: [Unicode.Scalar]

  init(source: String) {
    self.source = source
    self.text = Array(source.unicodeScalars)
  }

  func error(_ message: String, at column: Int, hint: String? = nil) -> ScheduleError {
    ScheduleError(.invalidCron, message, column: column, hint: hint)
  }

  func parse() throws(ScheduleError) -> CronExpression {
    let fields = splitFields()
    guard let first = fields.first else { throw error("the cron expression is empty", at: 0) }
    if text[first.lowerBound] == "@" { return try parseMacro(fields) }
    let fieldNames = FieldSpec.all.map(\.name).joined(separator: " ")
    guard fields.count >= 5 else {
      let missing = FieldSpec.all[fields.count...].map(\.name).joined(separator: ", ")
      throw error("missing the \(missing) field\(fields.count == 4 ? "" : "s"): a cron expression has 5 fields "
                  + "(\(fieldNames)), this one has \(fields.count)", at: fields.last!.upperBound)
    }
    guard fields.count == 5 else {
      throw error("unexpected sixth field '\(string(fields[5]))': a cron expression has 5 fields (\(fieldNames)); "
                  + "flow's cron has no seconds or year field", at: fields[5].lowerBound)
    }
    var bits: [CronBits] = []
    for (spec, range) in zip(FieldSpec.all, fields) {
      bits.append(try parseField(spec, range))
    }
    // 7 is Sunday too; keep a single bit for it so weekday arithmetic only needs 0…6.
    if bits[4].contains(7) {
      bits[4].remove(7)
      bits[4].insert(0)
    }
    let expression = CronExpression(
      source: source, minutes: bits[0], hours: bits[1], daysOfMonth: bits[2], months: bits[3], daysOfWeek: bits[4],
      dayOfMonthIsStar: text[fields[2].lowerBound] == "*", dayOfWeekIsStar: text[fields[4].lowerBound] == "*",
      hasWildcardTime: text[fields[0].lowerBound] == "*" || text[fields[1].lowerBound] == "*")
    try checkCanFire(expression, dayOfMonthColumn: fields[2].lowerBound)
    return expression
  }

  /// Ranges of the blank-separated fields.
  func splitFields() -> [Range<Int>] {
    var fields: [Range<Int>] = []
    var start: Int?
    for (index, scalar) in text.enumerated() {
      let blank = scalar == " " || scalar == "\t"
      if blank, let s = start {
        fields.append(s..<index)
        start = nil
      } else if !blank, start == nil {
        start = index
      }
    }
    if let start { fields.append(start..<text.count) }
    return fields
  }

  func string(_ range: Range<Int>) -> String {
    var result = ""
    result.unicodeScalars.append(contentsOf: text[range])
    return result
  }

  func parseMacro(_ fields: [Range<Int>]) throws(ScheduleError) -> CronExpression {
    let name = string(fields[0])
    if fields.count > 1 {
      throw error("unexpected '\(string(fields[1]))' after \(name): a macro stands for all five fields",
                  at: fields[1].lowerBound)
    }
    if name.lowercased() == "@reboot" {
      throw error("@reboot is not supported: a schedule needs fire times, and flow has no notion of boot",
                  at: fields[0].lowerBound)
    }
    guard let macro = CronExpression.macros.first(where: { $0.name == name.lowercased() }) else {
      throw error("unknown macro '\(name)'", at: fields[0].lowerBound,
                  hint: "expected one of " + CronExpression.macros.map(\.name).joined(separator: ", "))
    }
    var expanded = try CronParser(source: macro.fields).parse()
    expanded = CronExpression(
      source: source, minutes: expanded.minuteBits, hours: expanded.hourBits, daysOfMonth: expanded.dayOfMonthBits,
      months: expanded.monthBits, daysOfWeek: expanded.dayOfWeekBits, dayOfMonthIsStar: expanded.dayOfMonthIsStar,
      dayOfWeekIsStar: expanded.dayOfWeekIsStar, hasWildcardTime: expanded.hasWildcardTime)
    return expanded
  }

  /// Parses a comma list of `*`, `N`, `N-M`, each optionally followed by `/STEP`.
  func parseField(_ spec: FieldSpec, _ field: Range<Int>) throws(ScheduleError) -> CronBits {
    var bits = CronBits()
    var i = field.lowerBound
    while true {
      guard i < field.upperBound, text[i] != "," else {
        throw error("\(spec.name) field: empty list element (expected \(spec.expected) or '*')", at: i)
      }
      var low: Int, high: Int, isRange: Bool
      let elementStart = i
      if text[i] == "*" {
        (low, high, isRange) = (spec.range.lowerBound, spec.range.upperBound, true)
        i += 1
      } else {
        (low, i) = try parseValue(spec, from: i, end: field.upperBound)
        high = low
        isRange = i < field.upperBound && text[i] == "-"
        if isRange {
          (high, i) = try parseValue(spec, from: i + 1, end: field.upperBound)
          // `FRI-SUN` and `5-0` mean Friday through Sunday: Sunday is 7 at the end of a range.
          if spec.name == "day-of-week", high == 0, low > 0 { high = 7 }
          guard low <= high else {
            throw error("\(spec.name) field: range \(low)-\(high) runs backwards (cron ranges don't wrap around)",
                        at: elementStart, hint: "write it as two ranges, e.g. \(low)-\(spec.range.upperBound),"
                          + "\(spec.range.lowerBound)-\(high)")
          }
        }
      }
      var step = 1
      if i < field.upperBound, text[i] == "/" {
        guard isRange else {
          throw error("\(spec.name) field: a step needs a range or '*' before it", at: i,
                      hint: "write \(low)-\(spec.range.upperBound)/N for every N from \(low)")
        }
        (step, i) = try parseStep(spec, from: i + 1, end: field.upperBound)
      }
      for value in stride(from: low, through: high, by: step) { bits.insert(value) }
      guard i < field.upperBound else { return bits }
      guard text[i] == "," else {
        throw error("\(spec.name) field: unexpected '\(text[i])'", at: i,
                    hint: "an element is *, N, N-M, optionally followed by /STEP; elements are separated by ','")
      }
      i += 1
    }
  }

  /// Reads the run of letters and digits at `start` (any script, so `mön` is reported whole).
  func atom(from start: Int, end: Int) -> Range<Int> {
    var i = start
    while i < end, text[i].properties.isAlphabetic || text[i].properties.numericType != nil {
      i += 1
    }
    return start..<i
  }

  func describe(_ range: Range<Int>, end: Int) -> String {
    if !range.isEmpty { return "'\(string(range))'" }
    return range.lowerBound < end ? "'\(text[range.lowerBound])'" : "nothing"
  }

  func parseValue(_ spec: FieldSpec, from start: Int, end: Int) throws(ScheduleError) -> (Int, Int) {
    let range = atom(from: start, end: end)
    let word = string(range)
    if !word.isEmpty, word.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
      guard word.count <= 6, let value = Int(word), spec.range.contains(value) else {
        throw error("\(spec.name) field: \(word) is out of range (\(spec.range.lowerBound)-\(spec.range.upperBound))",
                    at: start)
      }
      return (value, range.upperBound)
    }
    if !spec.names.isEmpty, let index = spec.names.firstIndex(of: word.uppercased()) {
      return (spec.firstNamedValue + index, range.upperBound)
    }
    let isName = !word.isEmpty && word.unicodeScalars.allSatisfy { !("0"..."9").contains($0) }
    if isName, !spec.names.isEmpty {
      throw error("\(spec.name) field: unknown name '\(word)'", at: start,
                  hint: "expected \(spec.names.joined(separator: ", ")) (any case) or a number "
                    + "\(spec.range.lowerBound)-\(spec.range.upperBound)")
    }
    throw error("\(spec.name) field: expected \(spec.expected), found \(describe(range, end: end))", at: start)
  }

  func parseStep(_ spec: FieldSpec, from start: Int, end: Int) throws(ScheduleError) -> (Int, Int) {
    let range = atom(from: start, end: end)
    let word = string(range)
    guard !word.isEmpty, word.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
      throw error("\(spec.name) field: expected a step number after '/', found \(describe(range, end: end))",
                  at: start)
    }
    // A step as large as the field's maximum still gives one value; anything larger is surely a mistake
    // (`*/60` for "hourly" fires only at minute 0, which `0 * * * *` says plainly).
    guard word.count <= 6, let step = Int(word), (1...spec.range.upperBound).contains(step) else {
      throw error("\(spec.name) field: step \(word) is out of range (1-\(spec.range.upperBound))", at: start)
    }
    return (step, range.upperBound)
  }

  /// Rejects a day-of-month that no selected month has (`0 0 30 2 *`), when day-of-week can't rescue it.
  func checkCanFire(_ expression: CronExpression, dayOfMonthColumn: Int) throws(ScheduleError) {
    guard !expression.usesDayOrRule, let firstDay = expression.dayOfMonthBits.min else { return }
    let longest = expression.months.map { CivilDate.maximumDays(inMonth: $0) }.max() ?? 31
    guard firstDay > longest else { return }
    let monthNames = expression.months.map { FieldSpec.all[3].names[$0 - 1] }.joined(separator: ",")
    throw error("day-of-month field: day \(firstDay) never occurs in \(monthNames), so this expression would never fire",
                at: dayOfMonthColumn)
  }
}
