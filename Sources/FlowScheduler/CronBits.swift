/// The set of values a cron field allows, as a 64-bit mask (every field's values fit in 0…63).
struct CronBits: Hashable, Sendable {
  private(set) var mask: UInt64 = 0

  init() {}

  init(_ values: some Sequence<Int>) {
    for value in values { insert(value) }
  }

  mutating func insert(_ value: Int) {
    precondition((0..<64).contains(value), "cron field value \(value) outside 0..<64")
    mask |= 1 << UInt64(value)
  }

  mutating func remove(_ value: Int) {
    mask &= ~(1 << UInt64(value))
  }

  func contains(_ value: Int) -> Bool {
    (0..<64).contains(value) && mask & (1 << UInt64(value)) != 0
  }

  var isEmpty: Bool { mask == 0 }

  /// The smallest allowed value that is `>= value`, found with one bit scan instead of a loop.
  func first(atOrAfter value: Int) -> Int? {
    guard value < 64 else { return nil }
    let shift = UInt64(max(value, 0))
    let rest = (mask >> shift) << shift
    return rest == 0 ? nil : rest.trailingZeroBitCount
  }

  var min: Int? { first(atOrAfter: 0) }

  /// The allowed values in increasing order.
  var elements: [Int] { (0..<64).filter(contains) }
}
