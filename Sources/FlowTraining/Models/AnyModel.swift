/// A fitted model of any algorithm: what ``ModelArtifact`` stores and ``Trainer`` returns.
public enum AnyModel: Sendable, Equatable {
  /// A ``LogisticRegression``.
  case logisticRegression(LogisticRegression)
  /// A ``LinearRegression`` (linear or ridge).
  case linear(LinearRegression)
  /// A ``GradientBoosting`` ensemble.
  case gradientBoosting(GradientBoosting)
  /// A ``RandomForest``.
  case randomForest(RandomForest)
  /// An ``MLP``.
  case mlp(MLP)
  /// A ``KNearestNeighbors`` model.
  case knn(KNearestNeighbors)
  /// An ``SVM``.
  case svm(SVM)

  /// Parses and validates hyperparameters for `algorithm`; returns every value, defaults included.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public static func resolve(_ algorithm: Algorithm, _ hyperparameters: [String: ParameterValue]) throws -> [String: ParameterValue] {
    switch algorithm {
    case .logisticRegression: try LogisticRegressionParameters(hyperparameters).values
    case .linearRegression, .ridge: try LinearRegressionParameters(hyperparameters, algorithm: algorithm).values
    case .gradientBoosting: try GradientBoostingParameters(hyperparameters).values
    case .randomForest: try RandomForestParameters(hyperparameters).values
    case .mlp: try MLPParameters(hyperparameters).values
    case .knn: try KNearestNeighborsParameters(hyperparameters).values
    case .svm: try SVMParameters(hyperparameters).values
    }
  }

  /// Trains a model of `algorithm`.
  /// - Parameters:
  ///   - algorithm: What to train.
  ///   - x: Preprocessed features.
  ///   - target: Class indices or values.
  ///   - hyperparameters: Algorithm settings by their scikit-learn names; unset ones take defaults.
  ///   - progress: Called after each iteration, epoch or tree.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter` or `invalid-argument`).
  public static func fit(_ algorithm: Algorithm, x: Matrix, target: Target,
                         hyperparameters: [String: ParameterValue] = [:], progress: ProgressHandler? = nil) throws -> AnyModel {
    if case .classes = target, !algorithm.supportsClassification {
      throw TrainingError(.invalidArgument, "\(algorithm.rawValue) is a regression algorithm; the target has classes")
    }
    if case .values = target, !algorithm.supportsRegression {
      throw TrainingError(.invalidArgument, "\(algorithm.rawValue) is a classification algorithm; the target is numeric")
    }
    switch algorithm {
    case .logisticRegression:
      return .logisticRegression(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    case .linearRegression, .ridge:
      return .linear(try .fit(x, target, parameters: .init(hyperparameters, algorithm: algorithm), progress: progress))
    case .gradientBoosting:
      return .gradientBoosting(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    case .randomForest:
      return .randomForest(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    case .mlp:
      return .mlp(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    case .knn:
      return .knn(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    case .svm:
      return .svm(try .fit(x, target, parameters: .init(hyperparameters), progress: progress))
    }
  }

  /// Class probabilities (`n × classCount`) or predictions (`n × 1`).
  public func predict(_ x: Matrix) -> Matrix {
    switch self {
    case .logisticRegression(let m): m.predict(x)
    case .linear(let m): m.predict(x)
    case .gradientBoosting(let m): m.predict(x)
    case .randomForest(let m): m.predict(x)
    case .mlp(let m): m.predict(x)
    case .knn(let m): m.predict(x)
    case .svm(let m): m.predict(x)
    }
  }
}

extension AnyModel: Codable {
  private enum CodingKeys: String, CodingKey { case kind, state }

  /// Decodes `{"kind": "...", "state": {...}}`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let kind = try container.decode(String.self, forKey: .kind)
    switch kind {
    case "logistic_regression": self = .logisticRegression(try container.decode(LogisticRegression.self, forKey: .state))
    case "linear": self = .linear(try container.decode(LinearRegression.self, forKey: .state))
    case "gradient_boosting": self = .gradientBoosting(try container.decode(GradientBoosting.self, forKey: .state))
    case "random_forest": self = .randomForest(try container.decode(RandomForest.self, forKey: .state))
    case "mlp": self = .mlp(try container.decode(MLP.self, forKey: .state))
    case "knn": self = .knn(try container.decode(KNearestNeighbors.self, forKey: .state))
    case "svm": self = .svm(try container.decode(SVM.self, forKey: .state))
    default:
      throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown model kind '\(kind)'")
    }
  }

  /// Encodes `{"kind": "...", "state": {...}}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .logisticRegression(let m): try container.encode("logistic_regression", forKey: .kind); try container.encode(m, forKey: .state)
    case .linear(let m): try container.encode("linear", forKey: .kind); try container.encode(m, forKey: .state)
    case .gradientBoosting(let m): try container.encode("gradient_boosting", forKey: .kind); try container.encode(m, forKey: .state)
    case .randomForest(let m): try container.encode("random_forest", forKey: .kind); try container.encode(m, forKey: .state)
    case .mlp(let m): try container.encode("mlp", forKey: .kind); try container.encode(m, forKey: .state)
    case .knn(let m): try container.encode("knn", forKey: .kind); try container.encode(m, forKey: .state)
    case .svm(let m): try container.encode("svm", forKey: .kind); try container.encode(m, forKey: .state)
    }
  }
}
