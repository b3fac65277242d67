import FlowTraining

/// Applies a model's fitted preprocessing straight to request rows, without building a `Dataset`.
///
/// The arithmetic is exactly `Preprocessor.transform`'s, so predictions equal `ModelArtifact.predict`'s;
/// doing it here skips a column-per-feature `Dataset` and a name lookup per feature on every request.
struct FeatureEncoder: Sendable {
  private enum Step: Sendable {
    case numeric(fill: Double, center: Double, scale: Double)
    case oneHot(fill: Int?, index: [String: Int], width: Int)
  }

  private let steps: [Step]
  /// Number of columns of the encoded matrix.
  let width: Int

  init(_ preprocessing: Preprocessor) {
    var steps: [Step] = []
    var width = 0
    for transform in preprocessing.transforms {
      switch transform {
      case .numeric(let fill, let center, let scale):
        steps.append(.numeric(fill: fill, center: center, scale: scale))
        width += 1
      case .oneHot(let fill, let categories):
        let index = Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        steps.append(.oneHot(fill: fill.flatMap { index[$0] }, index: index, width: categories.count))
        width += categories.count
      }
    }
    self.steps = steps
    self.width = width
  }

  /// The model's input matrix for `rows` (whose text values were already checked to be in categorical features).
  func encode(_ rows: FeatureRows) -> Matrix {
    let count = rows.count
    var out = [Double](repeating: 0, count: count * width)
    out.withUnsafeMutableBufferPointer { out in
      rows.values.withUnsafeBufferPointer { values in
        for row in 0..<count {
          var column = row * width
          var input = row * rows.width
          for step in steps {
            switch step {
            case .numeric(let fill, let center, let scale):
              let value: Double
              switch values[input] {
              case .number(let v): value = v
              case .missing, .text: value = fill
              }
              out[column] = (value - center) / scale
              column += 1
            case .oneHot(let fill, let index, let width):
              let k: Int?
              switch values[input] {
              case .text(let text): k = index[text]
              case .number(let v): k = index[Self.format(v)]
              case .missing: k = fill
              }
              if let k { out[column + k] = 1 }
              column += width
            }
            input += 1
          }
        }
      }
    }
    return Matrix(rows: count, columns: width, values: out)
  }

  /// A number as a category label, as training reads it: `3` rather than `3.0`.
  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}
