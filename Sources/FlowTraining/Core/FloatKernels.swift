/// `Float` vector kernels for the multilayer perceptron.
enum FloatKernels {
  /// y[i] += alpha·x[i] over `n` floats.
  @inline(__always)
  static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let a = SIMD8<Float>(repeating: alpha)
    while i + 8 <= n {
      let result = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        + a * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: result, as: SIMD8<Float>.self)
      i += 8
    }
    while i < n { y[i] += alpha * x[i]; i += 1 }
  }

  /// Σ a[i]·b[i] over `n` floats.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
      acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
      acc1 += UnsafeRawPointer(a + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i + 8).loadUnaligned(as: SIMD8<Float>.self)
      i += 16
    }
    while i + 8 <= n {
      acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
      i += 8
    }
    var sum = (acc0 + acc1).sum()
    while i < n { sum += a[i] * b[i]; i += 1 }
    return sum
  }

  /// C (rows × n) = A (rows × k) · W (k × n) + bias, all row-major.
  static func affine(_ a: UnsafePointer<Float>, rows: Int, k: Int, _ w: UnsafePointer<Float>, n: Int,
                     bias: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
      let out = c + r * n
      out.update(from: bias, count: n)
      let row = a + r * k
      // Four rows of W per pass: fewer loads and stores of the output row.
      var j = 0
      while j + 4 <= k {
        let a0 = row[j], a1 = row[j + 1], a2 = row[j + 2], a3 = row[j + 3]
        let w0 = w + j * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n
        var i = 0
        while i + 8 <= n {
          var acc = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<Float>.self)
          acc += a0 * UnsafeRawPointer(w0 + i).loadUnaligned(as: SIMD8<Float>.self)
          acc += a1 * UnsafeRawPointer(w1 + i).loadUnaligned(as: SIMD8<Float>.self)
          acc += a2 * UnsafeRawPointer(w2 + i).loadUnaligned(as: SIMD8<Float>.self)
          acc += a3 * UnsafeRawPointer(w3 + i).loadUnaligned(as: SIMD8<Float>.self)
          UnsafeMutableRawPointer(out + i).storeBytes(of: acc, as: SIMD8<Float>.self)
          i += 8
        }
        while i < n { out[i] += a0 * w0[i] + a1 * w1[i] + a2 * w2[i] + a3 * w3[i]; i += 1 }
        j += 4
      }
      while j < k { if row[j] != 0 { axpy(row[j], w + j * n, out, n) }; j += 1 }
    }
  }
}
