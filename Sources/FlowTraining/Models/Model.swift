/// The targets a model learns: class indices, or real values.
public enum Target: Sendable, Equatable {
  /// Class indices in `0..<classCount`.
  case classes([Int], classCount: Int)
  /// Real-valued targets (regression).
  case values([Double])

  /// Number of rows.
  public var count: Int {
    switch self {
    case .classes(let y, _): y.count
    case .values(let y): y.count
    }
  }

  /// The rows at `indices`.
  public func rows(_ indices: [Int]) -> Target {
    switch self {
    case .classes(let y, let k): .classes(indices.map { y[$0] }, classCount: k)
    case .values(let y): .values(indices.map { y[$0] })
    }
  }
}

/// One step of training, reported to a ``ProgressHandler``.
public struct TrainingProgress: Sendable, Equatable {
  /// The iteration, epoch or tree just finished (1-based).
  public var iteration: Int
  /// The planned number of iterations, if known.
  public var total: Int?
  /// Metrics of this iteration, such as `loss` and `validation_loss`.
  public var metrics: [String: Double]
  /// Creates a progress report.
  public init(iteration: Int, total: Int?, metrics: [String: Double] = [:]) {
    self.iteration = iteration
    self.total = total
    self.metrics = metrics
  }
}

/// Called after each iteration or epoch, for example to draw a progress bar.
public typealias ProgressHandler = @Sendable (TrainingProgress) -> Void

/// A fitted model of one algorithm.
///
/// Models train on a numeric ``Matrix`` (see ``Preprocessor``) and are deterministic for a given
/// seed (the `seed` hyperparameter where the algorithm is random).
public protocol Model: Sendable, Codable {
  /// The algorithm's hyperparameters.
  associatedtype Parameters: HyperparameterSet
  /// Which algorithm this is.
  static var algorithm: Algorithm { get }
  /// Trains a model.
  /// - Throws: ``TrainingError`` (`invalid-argument`) if the target kind isn't supported or the data is empty.
  static func fit(_ x: Matrix, _ target: Target, parameters: Parameters, progress: ProgressHandler?) throws -> Self
  /// Class probabilities (`n × classCount`) for classifiers, predictions (`n × 1`) for regressors.
  func predict(_ x: Matrix) -> Matrix
}

extension Model {
  static func requireRows(_ x: Matrix, _ target: Target) throws {
    guard x.rows > 0 else { throw TrainingError(.invalidArgument, "\(algorithm.rawValue): no training rows") }
    guard x.rows == target.count else {
      throw TrainingError(.invalidArgument, "\(algorithm.rawValue): \(x.rows) rows but \(target.count) targets")
    }
  }

  static func unsupported(_ what: String) -> TrainingError {
    TrainingError(.invalidArgument, "\(algorithm.rawValue) does not support \(what)")
  }
}
