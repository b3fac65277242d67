/// One input value of a prediction request, before preprocessing.
enum FeatureValue: Sendable, Equatable {
  /// A number.
  case number(Double)
  /// Text: a category, or a mistake where a number was expected.
  case text(String)
  /// An empty field, `NA`, or JSON `null`: filled in by the model's imputation.
  case missing
}

/// The rows of a prediction request, row-major, `count × width` values.
struct FeatureRows: Sendable, Equatable {
  /// Number of features per row (the model's feature count).
  let width: Int
  /// The values, row after row.
  var values: [FeatureValue]

  init(width: Int, values: [FeatureValue] = []) {
    self.width = width
    self.values = values
  }

  /// Number of rows.
  var count: Int { width == 0 ? 0 : values.count / width }

  /// The values of row `index`.
  func row(_ index: Int) -> ArraySlice<FeatureValue> { values[(index * width)..<((index + 1) * width)] }
}
