import Foundation

/// Hyperparameters of ``MLP`` (scikit-learn's `MLPClassifier`/`MLPRegressor` names and defaults).
public struct MLPParameters: HyperparameterSet {
  /// Hidden layer widths (`hidden_layer_sizes`: an integer, or a string such as `"128,64"`).
  public var hiddenLayers: [Int]
  /// L2 penalty (`alpha`).
  public var alpha: Double
  /// Adam step size (`learning_rate_init`).
  public var learningRate: Double
  /// Rows per mini-batch (`batch_size`; capped at the number of rows).
  public var batchSize: Int
  /// Maximum epochs (`max_iter`).
  public var maxEpochs: Int
  /// Smallest improvement that counts (`tol`).
  public var tolerance: Double
  /// Epochs without improvement before stopping (`n_iter_no_change`).
  public var patience: Int
  /// Stop on a validation split's score instead of the training loss, and keep the best epoch (`early_stopping`).
  public var earlyStopping: Bool
  /// Share of rows held out when `early_stopping` is on (`validation_fraction`).
  public var validationFraction: Double
  /// Adam's β₁, β₂ and ε (`beta_1`, `beta_2`, `epsilon`).
  public var beta1: Double, beta2: Double, epsilon: Double
  /// Seed of the initial weights and the shuffles (`random_state`).
  public var seed: Int
  /// Every value, defaults included.
  public let values: [String: ParameterValue]

  /// Reads the hyperparameters listed above by their scikit-learn names.
  /// - Throws: ``TrainingError`` (`invalid-hyperparameter`).
  public init(_ values: [String: ParameterValue] = [:]) throws {
    var given = values
    let hidden = given.removeValue(forKey: "hidden_layer_sizes") ?? .int(100)
    switch hidden {
    case .int(let width) where width > 0: hiddenLayers = [width]
    case .string(let text):
      let widths = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else { fallthrough }
      hiddenLayers = widths.map { $0! }
    default:
      throw TrainingError(.invalidHyperparameter, "mlp: 'hidden_layer_sizes' must be a positive integer or a list such as \"128,64\", got '\(hidden)'")
    }
    var reader = ParameterReader(.mlp, given)
    alpha = try reader.double("alpha", 1e-4, min: 0)
    learningRate = try reader.double("learning_rate_init", 1e-3, above: 0)
    batchSize = try reader.int("batch_size", 200, min: 1)
    maxEpochs = try reader.int("max_iter", 200, min: 1)
    tolerance = try reader.double("tol", 1e-4, min: 0)
    patience = try reader.int("n_iter_no_change", 10, min: 1)
    earlyStopping = try reader.bool("early_stopping", false)
    validationFraction = try reader.double("validation_fraction", 0.1, max: 0.9, above: 0)
    beta1 = try reader.double("beta_1", 0.9, min: 0, max: 0.999999)
    beta2 = try reader.double("beta_2", 0.999, min: 0, max: 0.999999)
    epsilon = try reader.double("epsilon", 1e-8, above: 0)
    seed = try reader.int("random_state", 0, min: 0)
    try reader.finish()
    var resolved = reader.resolved
    resolved["hidden_layer_sizes"] = .string(hiddenLayers.map(String.init).joined(separator: ","))
    self.values = resolved
  }
}

/// A multilayer perceptron: dense layers with ReLU, a softmax (classification) or linear
/// (regression) output, trained by Adam on shuffled mini-batches.
///
/// Computation is in `Float`; each mini-batch is split in two halves computed on both cores and
/// their gradients are added in a fixed order, so training is deterministic for a seed.
public struct MLP: Model, Equatable {
  public typealias Parameters = MLPParameters
  /// ``Algorithm/mlp``.
  public static let algorithm = Algorithm.mlp

  /// One dense layer: `outputs = inputs · weights + biases`.
  public struct Layer: Sendable, Codable, Equatable {
    /// Input width.
    public var inputs: Int
    /// Output width.
    public var outputs: Int
    /// `inputs × outputs`, row-major.
    public var weights: [Float]
    /// One per output.
    public var biases: [Float]
  }

  /// The layers, input to output.
  public var layers: [Layer]
  /// Number of classes, or 0 for regression.
  public var classCount: Int

  /// Class probabilities (`n × classCount`) or predictions (`n × 1`).
  public func predict(_ x: Matrix) -> Matrix {
    let outputs = layers.last!.outputs
    var out = Matrix(rows: x.rows, columns: outputs)
    let input = x.values.map { Float($0) }
    let network = MLPNetwork(sizes: [layers[0].inputs] + layers.map(\.outputs), classCount: classCount)
    let parameters = layers.flatMap { $0.weights + $0.biases }
    out.values.withUnsafeMutableBufferPointer { o in
      input.withUnsafeBufferPointer { xs in
        parameters.withUnsafeBufferPointer { params in
          Parallel.forChunks(x.rows, size: 256) { range in
            var activations = [Float](repeating: 0, count: network.activationSize(rows: range.count))
            activations.withUnsafeMutableBufferPointer { acts in
              network.forward(params.baseAddress!, input: xs.baseAddress! + range.lowerBound * x.columns,
                              rows: range.count, activations: acts.baseAddress!)
              let result = acts.baseAddress! + network.activationOffset(layer: network.layerCount - 1, rows: range.count)
              for k in 0..<(range.count * outputs) { o[range.lowerBound * outputs + k] = Double(result[k]) }
            }
          }
        }
      }
    }
    return out
  }
}

