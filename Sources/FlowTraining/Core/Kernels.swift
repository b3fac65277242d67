/// Small vector kernels on raw pointers, written so the compiler emits SIMD code.
enum Kernels {
  /// Σ a[i]·b[i] over `n` doubles, with several accumulators (a fixed summation order).
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
    var i = 0
    while i + 8 <= n {
      acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self)
        * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
      acc1 += UnsafeRawPointer(a + i + 4).loadUnaligned(as: SIMD4<Double>.self)
        * UnsafeRawPointer(b + i + 4).loadUnaligned(as: SIMD4<Double>.self)
      i += 8
    }
    var sum = (acc0 + acc1).sum()
    while i < n { sum += a[i] * b[i]; i += 1 }
    return sum
  }

  /// y[i] += alpha·x[i] over `n` doubles.
  @inline(__always)
  static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    var i = 0
    let a = SIMD4<Double>(repeating: alpha)
    while i + 4 <= n {
      let result = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self)
        + a * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: result, as: SIMD4<Double>.self)
      i += 4
    }
    while i < n { y[i] += alpha * x[i]; i += 1 }
  }

  /// Σ (a[i] − b[i])² over `n` doubles.
  @inline(__always)
  static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var acc = SIMD4<Double>()
    var i = 0
    while i + 4 <= n {
      let d = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self)
        - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
      acc += d * d
      i += 4
    }
    var sum = acc.sum()
    while i < n { let d = a[i] - b[i]; sum += d * d; i += 1 }
    return sum
  }

  /// Softmax of `z` in place (numerically stable).
  @inline(__always)
  static func softmax(_ z: UnsafeMutablePointer<Double>, _ n: Int) {
    var top = z[0]
    for i in 1..<max(1, n) { top = max(top, z[i]) }
    var sum = 0.0
    for i in 0..<n { z[i] = exp(z[i] - top); sum += z[i] }
    for i in 0..<n { z[i] /= sum }
  }

  /// log(1 + e^x) without overflow.
  @inline(__always)
  static func softplus(_ x: Double) -> Double {
    x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
  }

  /// 1 / (1 + e^−x).
  @inline(__always)
  static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
  }
}

import Foundation
