/// A dense, row-major matrix of `Double`s: the feature matrix models train and predict on.
public struct Matrix: Sendable, Equatable, Codable {
  /// Number of rows (samples).
  public var rows: Int
  /// Number of columns (features).
  public var columns: Int
  /// `rows × columns` values, row after row.
  public var values: [Double]

  /// Creates a matrix from row-major values.
  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(values.count == rows * columns, "matrix needs rows × columns values")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// A matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
  }

  /// Creates a matrix from an array of equally long rows.
  public init(_ rowArrays: [[Double]]) {
    let columns = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == columns }, "rows differ in length")
    self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
  }

  /// The value at (`row`, `column`).
  @inlinable public subscript(row: Int, column: Int) -> Double {
    get { values[row * columns + column] }
    set { values[row * columns + column] = newValue }
  }

  /// One row, copied.
  public func row(_ index: Int) -> [Double] {
    Array(values[(index * columns)..<((index + 1) * columns)])
  }

  /// The rows at `indices`, in that order.
  public func rows(_ indices: [Int]) -> Matrix {
    var out = [Double]()
    out.reserveCapacity(indices.count * columns)
    for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
    return Matrix(rows: indices.count, columns: columns, values: out)
  }

  /// One column, copied.
  public func column(_ index: Int) -> [Double] {
    (0..<rows).map { values[$0 * columns + index] }
  }

  /// The transpose, as a new row-major matrix (that is, column-major storage of `self`).
  public func transposed() -> Matrix {
    var out = [Double](repeating: 0, count: values.count)
    for r in 0..<rows {
      for c in 0..<columns { out[c * rows + r] = values[r * columns + c] }
    }
    return Matrix(rows: columns, columns: rows, values: out)
  }
}

extension Matrix {
  /// The column index of each row's largest value (the first one on ties): predicted classes.
  public func argmaxRows() -> [Int] {
    (0..<rows).map { r in
      var best = 0
      for c in 1..<max(1, columns) where self[r, c] > self[r, best] { best = c }
      return best
    }
  }
}
