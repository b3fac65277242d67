/// Parses decimal numbers from bytes: an exact fast path for ordinary numbers (`12`, `-0.5`), the
/// standard library's correctly rounded parser for the rest (`1e-7`, long mantissas).
enum DecimalParser {
  private static let powersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
  }

  /// The finite number spelled by `field` (already trimmed), or `nil` if it isn't one.
  static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = field.count
    guard n > 0 else { return nil }
    var i = 0
    var negative = false
    if field[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if field[0] == UInt8(ascii: "+") { i = 1 }
    var mantissa: UInt64 = 0
    var digits = 0, fractionDigits = 0
    var sawDigit = false
    while i < n, field[i] &- 48 < 10 {
      mantissa = mantissa &* 10 &+ UInt64(field[i] &- 48)
      if mantissa != 0 { digits += 1 }
      sawDigit = true
      i += 1
    }
    if i < n, field[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, field[i] &- 48 < 10 {
        mantissa = mantissa &* 10 &+ UInt64(field[i] &- 48)
        if mantissa != 0 { digits += 1 }
        fractionDigits += 1
        sawDigit = true
        i += 1
      }
    }
    if i == n, sawDigit, digits <= 15, fractionDigits <= 22 {
      // Both operands are exact doubles, so one correctly rounded division gives the exact answer.
      var value = Double(mantissa)
      if fractionDigits > 0 { value /= powersOfTen[fractionDigits] }
      return negative ? -value : value
    }
    return parse(String(decoding: field, as: UTF8.self))
  }

  /// The finite number spelled by `text`, or `nil`. Hexadecimal, `inf` and `nan` are not numbers here.
  static func parse(_ text: String) -> Double? {
    guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (first &- 48) < 10 else { return nil }
    guard !text.contains(where: { $0 == "x" || $0 == "X" }), let value = Double(text), value.isFinite else { return nil }
    return value
  }
}
