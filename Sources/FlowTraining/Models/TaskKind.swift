/// Whether a model predicts classes or numbers.
public enum TaskKind: String, Sendable, Codable, Hashable {
  /// Predict one of a fixed set of class labels.
  case classification
  /// Predict a real number.
  case regression
}
