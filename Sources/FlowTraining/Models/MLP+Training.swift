import Foundation

extension MLP {
  /// Trains the network with Adam.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for empty data.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> MLP {
    try requireRows(x, target)
    var classCount = 0
    var labels: [Int] = []
    var values: [Double] = []
    switch target {
    case .classes(let y, let k): classCount = k; labels = y
    case .values(let y): values = y
    }
    var fitRows = Array(0..<x.rows), validationRows: [Int] = []
    if parameters.earlyStopping,
       let split = try? DataSplitter.trainTest(count: x.rows, testFraction: parameters.validationFraction,
                                               seed: UInt64(parameters.seed), stratifyBy: classCount > 0 ? labels : nil) {
      fitRows = split.train
      validationRows = split.test
    }
    let network = MLPNetwork(sizes: [x.columns] + parameters.hiddenLayers + [max(1, classCount)], classCount: classCount)
    var generator = SeededGenerator(seed: UInt64(parameters.seed))
    var params = [Float](repeating: 0, count: network.parameterCount)
    for l in 0..<network.layerCount {
      let bound = (6 / Double(network.sizes[l] + network.sizes[l + 1])).squareRoot()
      for k in network.weightOffsets[l]..<(network.biasOffsets[l] + network.sizes[l + 1]) {
        params[k] = Float((2 * generator.nextUnit() - 1) * bound)
      }
    }
    let p = x.columns
    let input = x.values.map { Float($0) }
    let allLabels = labels.map { Int32($0) } + (labels.isEmpty ? [Int32](repeating: 0, count: x.rows) : [])
    let allTargets = values.map { Float($0) } + (values.isEmpty ? [Float](repeating: 0, count: x.rows) : [])
    let n = fitRows.count
    let batchSize = min(parameters.batchSize, n)
    let chunks = batchSize >= 64 ? 2 : 1
    let chunkRows = (batchSize + chunks - 1) / chunks
    var batchInput = [Float](repeating: 0, count: batchSize * p)
    var batchLabels = [Int32](repeating: 0, count: batchSize)
    var batchTargets = [Float](repeating: 0, count: batchSize)
    var activations = [[Float]](repeating: [Float](repeating: 0, count: network.activationSize(rows: chunkRows)), count: chunks)
    var deltas = activations
    var gradients = [[Float]](repeating: [Float](repeating: 0, count: network.parameterCount), count: chunks)
    var chunkLosses = [Double](repeating: 0, count: chunks)
    var adam = AdamState(count: network.parameterCount, parameters: parameters)
    var order = fitRows
    var bestLoss = Double.infinity, bestScore = -Double.infinity, bestParams = params
    var stale = 0
    let weightRanges = (0..<network.layerCount).map { network.weightOffsets[$0]..<network.biasOffsets[$0] }
    for epoch in 0..<parameters.maxEpochs {
      generator.shuffle(&order)
      var epochLoss = 0.0
      var start = 0
      while start < n {
        let rows = min(batchSize, n - start)
        for b in 0..<rows {
          let i = order[start + b]
          for j in 0..<p { batchInput[b * p + j] = input[i * p + j] }
          batchLabels[b] = allLabels[i]
          batchTargets[b] = allTargets[i]
        }
        let parts = rows >= 64 ? chunks : 1
        params.withUnsafeBufferPointer { pp in
          batchInput.withUnsafeBufferPointer { bi in
            batchLabels.withUnsafeBufferPointer { bl in
              batchTargets.withUnsafeBufferPointer { bt in
                activations.withUnsafeMutableBufferPointer { acts in
                  deltas.withUnsafeMutableBufferPointer { dels in
                    gradients.withUnsafeMutableBufferPointer { grads in
                      chunkLosses.withUnsafeMutableBufferPointer { losses in
                        Parallel.forEach(parts) { c in
                          let range = Parallel.range(of: c, in: parts, count: rows)
                          acts[c].withUnsafeMutableBufferPointer { a in
                            dels[c].withUnsafeMutableBufferPointer { d in
                              grads[c].withUnsafeMutableBufferPointer { g in
                                g.baseAddress!.update(repeating: 0, count: network.parameterCount)
                                losses[c] = network.backpropagate(
                                  pp.baseAddress!, input: bi.baseAddress! + range.lowerBound * p,
                                  labels: bl.baseAddress! + range.lowerBound, targets: bt.baseAddress! + range.lowerBound,
                                  rows: range.count, batchSize: rows, activations: a.baseAddress!, deltas: d.baseAddress!,
                                  gradients: g.baseAddress!)
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        for c in 1..<max(1, parts) { for k in 0..<network.parameterCount { gradients[0][k] += gradients[c][k] } }
        // L2 penalty on weights (not biases), as scikit-learn: α·W / batch and ½α‖W‖² / batch.
        var penalty = 0.0
        let alpha = Float(parameters.alpha) / Float(rows)
        for range in weightRanges {
          for k in range {
            gradients[0][k] += alpha * params[k]
            penalty += Double(params[k] * params[k])
          }
        }
        let batchLoss = chunkLosses[0..<parts].reduce(0, +) + 0.5 * parameters.alpha * penalty
        epochLoss += batchLoss
        adam.step(&params, gradients[0])
        start += rows
      }
      epochLoss /= Double(n)
      var metrics = ["loss": epochLoss]
      if !validationRows.isEmpty {
        let model = MLP(layers: layers(params, network), classCount: classCount)
        let score = Self.score(model, x.rows(validationRows), target.rows(validationRows))
        metrics["validation_score"] = score
        stale = score < bestScore + parameters.tolerance ? stale + 1 : 0
        if score > bestScore { bestScore = score; bestParams = params }
      } else {
        stale = epochLoss > bestLoss - parameters.tolerance ? stale + 1 : 0
        if epochLoss < bestLoss { bestLoss = epochLoss }
      }
      progress?(TrainingProgress(iteration: epoch + 1, total: parameters.maxEpochs, metrics: metrics))
      if stale > parameters.patience { break }
    }
    return MLP(layers: layers(validationRows.isEmpty ? params : bestParams, network), classCount: classCount)
  }

  private static func layers(_ params: [Float], _ network: MLPNetwork) -> [Layer] {
    (0..<network.layerCount).map { l in
      Layer(inputs: network.sizes[l], outputs: network.sizes[l + 1],
            weights: Array(params[network.weightOffsets[l]..<network.biasOffsets[l]]),
            biases: Array(params[network.biasOffsets[l]..<(network.biasOffsets[l] + network.sizes[l + 1])]))
    }
  }

  /// Accuracy for classification, R² for regression (what early stopping maximises).
  private static func score(_ model: MLP, _ x: Matrix, _ target: Target) -> Double {
    switch target {
    case .classes(let y, _): ClassificationMetrics.accuracy(y, model.predict(x).argmaxRows())
    case .values(let y): RegressionMetrics.r2(y, model.predict(x).column(0))
    }
  }
}

/// Adam moments and step count.
struct AdamState {
  var m: [Float], v: [Float]
  var t = 0
  let learningRate: Double, beta1: Double, beta2: Double, epsilon: Float

  init(count: Int, parameters: MLPParameters) {
    m = [Float](repeating: 0, count: count)
    v = m
    learningRate = parameters.learningRate
    beta1 = parameters.beta1
    beta2 = parameters.beta2
    epsilon = Float(parameters.epsilon)
  }

  mutating func step(_ params: inout [Float], _ gradient: [Float]) {
    t += 1
    let rate = Float(learningRate * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t))))
    let b1 = Float(beta1), b2 = Float(beta2)
    let eps = epsilon
    params.withUnsafeMutableBufferPointer { p in
      m.withUnsafeMutableBufferPointer { m in
        v.withUnsafeMutableBufferPointer { v in
          gradient.withUnsafeBufferPointer { g in
            for k in 0..<p.count {
              m[k] = b1 * m[k] + (1 - b1) * g[k]
              v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
              p[k] -= rate * m[k] / (v[k].squareRoot() + eps)
            }
          }
        }
      }
    }
  }
}
