import FlowCore

extension Intrinsics {
  /// `States.MathAdd(a, b)`: the sum of two numbers rounded half up to integers; operands and sum
  /// must fit in 32 bits, as in Step Functions.
  static func mathAdd(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .mathAdd)
    let a = try roundedInt(args[0], .mathAdd)
    let b = try roundedInt(args[1], .mathAdd)
    let int32 = Int(Int32.min)...Int(Int32.max)
    try check(int32.contains(a) && int32.contains(b) && int32.contains(a + b), .mathAdd)
    return .int(a + b)
  }

  /// `States.MathRandom(start, end[, seed])`: an integer in `start..<end`. With a seed the result is the
  /// one Java's `new Random(seed).nextInt(end - start) + start` gives, so it is the same every time.
  static func mathRandom(_ args: [JSONValue], random: () -> Double) throws(IntrinsicFailure) -> JSONValue {
    try check(args.count == 2 || args.count == 3, .mathRandom)
    let start = try truncatedInt(args[0], .mathRandom)
    let end = try truncatedInt(args[1], .mathRandom)
    try check(start < end, .mathRandom)
    if args.count == 3 {
      let seed = try truncatedInt(args[2], .mathRandom)
      var random = JavaRandom(seed: Int64(seed))
      // Java's bound is an `int`: a wider range (Int64.min to Int64.max) is invalid, not an overflow.
      let (bound, overflow) = end.subtractingReportingOverflow(start)
      try check(!overflow && bound <= Int(Int32.max), .mathRandom)
      return .int(start + Int(random.nextInt(bound: bound)))
    }
    // Without a seed, the transition's randomness: the largest value below `end` is `end - 1`.
    let value = Double(start) + (random() * (Double(end) - Double(start))).rounded(.down)
    guard value < Double(end), let drawn = Int(exactly: value) else { return .int(end - 1) }
    return .int(max(start, drawn))
  }
}

/// `java.util.Random`: a 48-bit linear congruential generator.
struct JavaRandom {
  private var state: UInt64
  private static let multiplier: UInt64 = 0x5_DEEC_E66D
  private static let mask: UInt64 = (1 << 48) - 1

  init(seed: Int64) {
    state = (UInt64(bitPattern: seed) ^ JavaRandom.multiplier) & JavaRandom.mask
  }

  mutating func next(bits: Int) -> Int32 {
    state = (state &* JavaRandom.multiplier &+ 0xB) & JavaRandom.mask
    return Int32(truncatingIfNeeded: Int64(bitPattern: state) >> (48 - bits))
  }

  /// A value in `0..<bound`, as `Random.nextInt(int)` computes it.
  mutating func nextInt(bound: Int) -> Int32 {
    // Wider ranges cannot be an `int` bound in Java; they are out of reach of 32-bit bounds anyway.
    let bound = Int32(clamping: bound)
    if bound & -bound == bound {
      return Int32(truncatingIfNeeded: (Int64(bound) &* Int64(next(bits: 31))) >> 31)
    }
    var bits: Int32
    var value: Int32
    repeat {
      bits = next(bits: 31)
      value = bits % bound
    } while bits &- value &+ (bound &- 1) < 0
    return value
  }
}
