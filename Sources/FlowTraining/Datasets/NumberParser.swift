import Foundation

/// Parses decimal numbers from bytes: a fast exact path for ordinary numbers, `strtod` otherwise.
/// Only plain decimal and exponent syntax, finite values (no hex, `inf` or `nan`). Shared with the serving module,
/// so that a request is read exactly as training data is.
public enum NumberParser {
  private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

  /// The number spelled by `field` (already trimmed), or `nil` if it isn't one.
  public static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
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
      // Both operands are exact doubles, so one correctly rounded division is the exact answer.
      var value = Double(mantissa)
      if fractionDigits > 0 { value /= powersOfTen[fractionDigits] }
      return negative ? -value : value
    }
    return slowParse(field)
  }

  private static func slowParse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
    guard field.count < 128 else { return nil }
    // Only plain decimal and exponent syntax: strtod also accepts hex, "inf" and "nan".
    for b in field {
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"),
           UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): continue
      default: return nil
      }
    }
    var buffer = [CChar](repeating: 0, count: field.count + 1)
    for (k, b) in field.enumerated() { buffer[k] = CChar(bitPattern: b) }
    return buffer.withUnsafeBufferPointer { p -> Double? in
      var end: UnsafeMutablePointer<CChar>?
      let value = strtod(p.baseAddress!, &end)
      guard let end, end - UnsafeMutablePointer(mutating: p.baseAddress!) == field.count else { return nil }
      return value.isFinite ? value : nil
    }
  }

  /// The number spelled by `text` (already trimmed), or `nil` if it isn't one.
  public static func parse(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parse($0) }
  }
}
