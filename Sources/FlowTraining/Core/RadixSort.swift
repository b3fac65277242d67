/// LSD radix sort of `Double`s (NaN-free), much faster than a comparison sort for the large
/// columns that histogram binning sorts.
enum RadixSort {
  static func sort(_ values: inout [Double]) {
    let n = values.count
    guard n > 256 else { values.sort(); return }
    // Order-preserving map to unsigned integers: flip all bits of negatives, the sign bit of the rest.
    var keys = values.map { v -> UInt64 in
      let bits = v.bitPattern
      return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
    var buffer = [UInt64](repeating: 0, count: n)
    // 11-bit digits: 2,048 buckets keep the scatter's write positions in cache.
    var counts = [Int](repeating: 0, count: 1 << 11)
    for pass in 0..<6 {
      let shift = UInt64(pass * 11)
      for k in 0..<counts.count { counts[k] = 0 }
      for key in keys { counts[Int((key >> shift) & 0x7FF)] += 1 }
      if counts.contains(n) { continue }  // every key has the same digit: nothing to do
      var total = 0
      for k in 0..<counts.count { let c = counts[k]; counts[k] = total; total += c }
      keys.withUnsafeBufferPointer { source in
        buffer.withUnsafeMutableBufferPointer { target in
          for key in source {
            let digit = Int((key >> shift) & 0x7FF)
            target[counts[digit]] = key
            counts[digit] += 1
          }
        }
      }
      swap(&keys, &buffer)
    }
    for k in 0..<n {
      let key = keys[k]
      values[k] = Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
  }
}
