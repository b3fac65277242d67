/// Maps target values (numbers or categories) to class indices `0..<classes.count` and back.
///
/// Classes are sorted numerically when every label is a number (`2` before `10`), and as strings
/// otherwise, so the encoding doesn't depend on row order.
public struct LabelEncoder: Sendable, Equatable, Codable {
  /// The class labels; a label's index is its encoded value.
  public var classes: [String]

  /// Creates an encoder with fixed classes.
  public init(classes: [String]) { self.classes = classes }

  /// Learns the classes of `column`.
  /// - Throws: ``TrainingError`` (`invalid-argument`) if a target value is missing or there is only one class.
  public static func fit(_ column: Column) throws -> LabelEncoder {
    var labels = Set<String>()
    for row in 0..<column.count {
      guard let text = column.text(at: row) else {
        throw TrainingError(.invalidArgument, "the target is missing", at: .init(line: row + 2, column: column.name))
      }
      labels.insert(text)
    }
    guard labels.count >= 2 else {
      throw TrainingError(.invalidArgument, "the target column '\(column.name)' has \(labels.count) class(es); classification needs at least 2")
    }
    let numeric = labels.allSatisfy { Double($0) != nil }
    let sorted = numeric ? labels.sorted { Double($0)! < Double($1)! } : labels.sorted()
    return LabelEncoder(classes: sorted)
  }

  /// The class index of every row of `column`.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for a missing or unknown label, with its line.
  public func encode(_ column: Column) throws -> [Int] {
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    return try (0..<column.count).map { row in
      guard let text = column.text(at: row) else {
        throw TrainingError(.invalidArgument, "the target is missing", at: .init(line: row + 2, column: column.name))
      }
      guard let code = index[text] else {
        throw TrainingError(.invalidArgument, "unknown class '\(text)' (classes: \(Dataset.list(classes)))",
                            at: .init(line: row + 2, column: column.name))
      }
      return code
    }
  }

  /// The labels of class indices.
  public func decode(_ codes: [Int]) -> [String] { codes.map { classes[$0] } }
}
