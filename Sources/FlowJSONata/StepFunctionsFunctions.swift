import FlowCore
import Foundation

/// AWS Step Functions' additions to JSONata: `$partition`, `$range`, `$hash`, `$random([seed])`, `$uuid`, `$parse`.
enum StepFunctionsFunctions {
  static func wrap(_ f: JSONataFunction) -> JFunction {
    JFunction.native(f.name, f.signature, arity: nil) { _, args, _ in
      let json = try args.map { try $0?.toJSON() }
      return try f.implementation(json).map(JV.init)
    }
  }

  /// The built-ins with these bound over them, a frame shared by every evaluation in Step Functions' environment
  /// (written once when first used and only read afterwards, as ``Builtins/frame``).
  nonisolated(unsafe) static let frame: Frame = {
    let f = Frame(Builtins.frame)
    for fn in all { f.bind(fn.name, .function(fn)) }
    return f
  }()

  nonisolated(unsafe) static let all: [JFunction] = [
    .native("partition", "<an:a>") { _, a, _ in
      guard case .array(let arr)? = Builtins.arg(a, 0), let size = Builtins.num(a, 1) else { return nil }
      guard size >= 1, size == size.rounded() else {
        throw JSONataError(.init("States.QueryEvaluationError"), "The size argument of $partition must be a positive integer")
      }
      let n = clampInt(size)
      var out: [JV] = []
      var i = 0
      while i < arr.count {
        out.append(.array(JArray(Array(arr.items[i..<min(i + n, arr.count)]))))
        i += n
      }
      return .array(JArray(out))
    },
    .native("range", "<nnn?:a>") { _, a, _ in
      guard let start = Builtins.num(a, 0), let end = Builtins.num(a, 1) else { return nil }
      let step = Builtins.num(a, 2) ?? 1
      guard step != 0, start == start.rounded(), end == end.rounded(), step == step.rounded() else {
        throw JSONataError(.init("States.QueryEvaluationError"), "The arguments of $range must be integers and the step non-zero")
      }
      let count = ((end - start) / step).rounded(.down) + 1
      if count > 1000 {
        throw JSONataError(.init("States.QueryEvaluationError"), "$range would produce more than 1000 items")
      }
      var out: [JV] = []
      var v = start
      while step > 0 ? v <= end : v >= end { out.append(.number(v)); v += step }
      // A sequence, as AWS returns it: one item comes out as the item itself (`$range(1, 9, 9)` is `1`).
      return .array(JArray(out, sequence: true))
    },
    .native("hash", "<s-s?:s>") { _, a, _ in
      guard let s = Builtins.str(a, 0) else { return nil }
      let algorithm = Builtins.str(a, 1) ?? "SHA-256"
      guard let digest = HashAlgorithm(rawValue: algorithm)?.hexDigest(Array(s.utf8)) else {
        throw JSONataError(.init("States.QueryEvaluationError"), "Unsupported hash algorithm: \(algorithm)")
      }
      return .string(digest)
    },
    .native("random", "<n?:n>") { ev, a, _ in
      if let seed = Builtins.num(a, 0) {
        var state = UInt64(bitPattern: Int64(seed.rounded(.down)))
        return .number(Double(splitMix64(&state) >> 11) / Double(1 << 53))
      }
      return .number(ev.random.next())
    },
    .native("uuid", "<:s>") { ev, _, _ in
      var bytes = (0..<16).map { _ in UInt8(min(255, Int(ev.random.next() * 256))) }
      bytes[6] = bytes[6] & 0x0F | 0x40
      bytes[8] = bytes[8] & 0x3F | 0x80
      let hex = bytes.map { String(format: "%02x", $0) }.joined()
      let c = Array(hex)
      return .string("\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))")
    },
    .native("parse", "<s-:x>") { _, a, _ in
      guard let s = Builtins.str(a, 0) else { return nil }
      do { return JV(try JSONValue(parsing: s)) } catch {
        throw JSONataError(.init("States.QueryEvaluationError"), "$parse: the argument is not valid JSON: \(error)")
      }
    },
  ]

  static func splitMix64(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
