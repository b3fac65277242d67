import Foundation

extension Builtins {
  nonisolated(unsafe) static let strings: [JFunction] = [
    .native("string", "<x-b?:s>", arity: 1) { ev, a, _ in
      guard let v = arg(a, 0) else { return nil }
      return .string(try ev.stringify(v, pretty: arg(a, 1).flatMap { ev.boolean($0) } ?? false))
    },
    .native("substring", "<s-nn?:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      let chars = s.unicodeScalars
      let len = chars.count
      var start = Int(jsTrunc(num(a, 1) ?? 0))
      if len + start < 0 { start = 0 }
      func slice(_ from: Int, _ to: Int) -> String {
        var f = from < 0 ? max(len + from, 0) : min(from, len)
        let t = to < 0 ? max(len + to, 0) : min(to, len)
        if f > t { f = t }
        let lower = chars.index(chars.startIndex, offsetBy: f)
        return String(chars[lower..<chars.index(lower, offsetBy: t - f)])
      }
      if let lengthArg = num(a, 2) {
        if lengthArg <= 0 { return .string("") }
        let length = Int(jsTrunc(lengthArg))
        let end = start >= 0 ? start + length : len + start + length
        return .string(slice(start, end))
      }
      return .string(slice(start, len))
    },
    .native("substringBefore", "<s-s:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      guard let c = str(a, 1) else { return .string(s) }
      if c.isEmpty { return .string("") }
      guard let r = s.range(of: c) else { return .string(s) }
      return .string(String(s[..<r.lowerBound]))
    },
    .native("substringAfter", "<s-s:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      guard let c = str(a, 1), !c.isEmpty, let r = s.range(of: c) else { return .string(s) }
      return .string(String(s[r.upperBound...]))
    },
    .native("lowercase", "<s-:s>") { _, a, _ in str(a, 0).map { .string($0.lowercased()) } },
    .native("uppercase", "<s-:s>") { _, a, _ in str(a, 0).map { .string($0.uppercased()) } },
    .native("length", "<s-:n>") { _, a, _ in str(a, 0).map { .number(Double($0.unicodeScalars.count)) } },
    .native("trim", "<s-:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      var out = ""
      var inSpace = false
      for ch in s.unicodeScalars {
        if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" {
          if !inSpace { out.unicodeScalars.append(" ") }
          inSpace = true
        } else {
          out.unicodeScalars.append(ch)
          inSpace = false
        }
      }
      if out.hasPrefix(" ") { out.removeFirst() }
      if out.hasSuffix(" ") { out.removeLast() }
      return .string(out)
    },
    .native("pad", "<s-ns?:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      let width = Int(jsTrunc(num(a, 1) ?? 0))
      var pad = str(a, 2) ?? " "
      if pad.isEmpty { pad = " " }
      let padLength = abs(width) - s.unicodeScalars.count
      guard padLength > 0 else { return .string(s) }
      if padLength > 10_000_000 { throw JSONataError(.d1001, "Number out of range: the padding width \(width) is too large") }
      var padding = String.UnicodeScalarView()
      let padChars = Array(pad.unicodeScalars)
      for i in 0..<padLength { padding.append(padChars[i % padChars.count]) }
      return .string(width > 0 ? s + String(padding) : String(padding) + s)
    },
    .native("join", "<a<s>s?:s>") { _, a, _ in
      guard let v = arg(a, 0) else { return nil }
      let items = (v.asArray?.items ?? [v]).compactMap(\.asString)
      return .string(items.joined(separator: str(a, 1) ?? ""))
    },
    .native("base64encode", "<s-:s>") { _, a, _ in str(a, 0).map { .string(Data($0.utf8).base64EncodedString()) } },
    .native("base64decode", "<s-:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      var padded = s
      while padded.count % 4 != 0 { padded += "=" }
      guard let d = Data(base64Encoded: padded) else { return .string("") }
      return .string(String(decoding: d, as: UTF8.self))
    },
    .native("encodeUrlComponent", "<s-:s>") { _, a, _ in
      str(a, 0).map { .string(percentEncode($0, keep: uriUnreserved)) }
    },
    .native("encodeUrl", "<s-:s>") { _, a, _ in
      str(a, 0).map { .string(percentEncode($0, keep: uriUnreserved.union(uriReserved))) }
    },
    .native("decodeUrlComponent", "<s-:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      guard let d = percentDecode(s, keep: []) else {
        throw JSONataError(.d3140, "Malformed URL passed to $decodeUrlComponent(): \"\(s)\"")
      }
      return .string(d)
    },
    .native("decodeUrl", "<s-:s>") { _, a, _ in
      guard let s = str(a, 0) else { return nil }
      guard let d = percentDecode(s, keep: Set(";/?:@&=+$,#".utf8)) else {
        throw JSONataError(.d3140, "Malformed URL passed to $decodeUrl(): \"\(s)\"")
      }
      return .string(d)
    },
  ]

  /// JavaScript's truncation of a number to an integer (ToIntegerOrInfinity), clamped to a safe range.
  static func jsTrunc(_ d: Double) -> Double {
    guard d.isFinite else { return d.isNaN ? 0 : (d > 0 ? 1e15 : -1e15) }
    return max(-1e15, min(1e15, d.rounded(.towardZero)))
  }

  static let uriUnreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
  static let uriReserved = Set(";/?:@&=+$,#".utf8)

  static func percentEncode(_ s: String, keep: Set<UInt8>) -> String {
    var out = ""
    for b in s.utf8 {
      if keep.contains(b) { out.unicodeScalars.append(Unicode.Scalar(b)) } else { out += String(format: "%%%02X", b) }
    }
    return out
  }

  static func percentDecode(_ s: String, keep: Set<UInt8>) -> String? {
    let bytes = Array(s.utf8)
    var out: [UInt8] = []
    var i = 0
    func hex(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: c - 48
      case 65...70: c - 55
      case 97...102: c - 87
      default: nil
      }
    }
    while i < bytes.count {
      if bytes[i] == 37 {
        guard i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) else { return nil }
        let b = h << 4 | l
        if b < 0x80 && keep.contains(b) { out += bytes[i...(i + 2)] } else { out.append(b) }
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return String(validating: out, as: UTF8.self)
  }
}
