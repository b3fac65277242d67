import Foundation

extension GradientBoosting {
  /// Trains boosted trees on class or real-valued targets.
  /// - Throws: ``TrainingError`` (`invalid-argument`) for empty data.
  public static func fit(_ x: Matrix, _ target: Target, parameters: Parameters,
                         progress: ProgressHandler?) throws -> GradientBoosting {
    try requireRows(x, target)
    let classCount: Int
    let labels: [Int]?
    switch target {
    case .classes(let y, let k): classCount = k; labels = y
    case .values: classCount = 0; labels = nil
    }
    var fitRows = Array(0..<x.rows), validationRows: [Int] = []
    if parameters.usesEarlyStopping(rows: x.rows),
       let split = try? DataSplitter.trainTest(count: x.rows, testFraction: parameters.validationFraction,
                                               seed: UInt64(parameters.seed), stratifyBy: labels) {
      fitRows = split.train
      validationRows = split.test
    }
    let xFit = validationRows.isEmpty ? x : x.rows(fitRows)
    let xValidation = x.rows(validationRows)
    let state = BoostingState(target: target.rows(fitRows), validationTarget: target.rows(validationRows),
                              classCount: classCount)
    let binner = FeatureBinner(xFit, maxBins: parameters.maxBins, seed: UInt64(parameters.seed))
    let bins = binner.transform(xFit)
    let validationBins = binner.transform(xValidation)
    let outputs = state.outputs
    let n = xFit.rows, nValidation = xValidation.rows
    let baseline = state.baseline()
    var raw = [Double](repeating: 0, count: n * outputs)
    var rawValidation = [Double](repeating: 0, count: nValidation * outputs)
    for i in 0..<n { for k in 0..<outputs { raw[i * outputs + k] = baseline[k] } }
    for i in 0..<nValidation { for k in 0..<outputs { rawValidation[i * outputs + k] = baseline[k] } }
    var gh = [[SIMD4<Float>]](repeating: [SIMD4<Float>](repeating: SIMD4(0, 0, 1, 0), count: n), count: outputs)
    var trees: [[DecisionTree]] = []
    var bestLoss = Double.infinity, bestIteration = 0
    let featureCount = x.columns
    let usedFeatures = max(1, Int((parameters.featureFraction * Double(featureCount)).rounded()))
    let settings = HistogramTreeBuilder.Settings(maxLeaves: parameters.maxLeaves, maxDepth: parameters.maxDepth,
                                                 minSamplesLeaf: parameters.minSamplesLeaf, l2: parameters.l2,
                                                 parallel: outputs == 1)
    bins.withUnsafeBufferPointer { binBuffer in
      validationBins.withUnsafeBufferPointer { validationBuffer in
        let builders = (0..<outputs).map { _ in
          HistogramTreeBuilder(bins: binBuffer.baseAddress!, rowCount: n, binner: binner, maxLeaves: parameters.maxLeaves)
        }
        for iteration in 0..<parameters.maxIterations {
          state.gradients(raw: raw, into: &gh)
          var iterationTrees = [DecisionTree](repeating: DecisionTree(outputs: 1), count: outputs)
          raw.withUnsafeMutableBufferPointer { rawBuffer in
            rawValidation.withUnsafeMutableBufferPointer { validationRaw in
              iterationTrees.withUnsafeMutableBufferPointer { treeOut in
                Parallel.forEach(outputs) { k in
                  var features = Array(0..<featureCount)
                  if usedFeatures < featureCount {
                    var generator = SeededGenerator(seed: UInt64(parameters.seed), stream: UInt64(iteration * outputs + k))
                    features = generator.sample(usedFeatures, from: featureCount).sorted()
                  }
                  let builder = builders[k]
                  var (tree, leaves) = gh[k].withUnsafeBufferPointer {
                    builder.build(gh: $0.baseAddress!, features: features, settings: settings)
                  }
                  builder.rows.withUnsafeBufferPointer { rows in
                    for leaf in leaves {
                      let value = -parameters.learningRate * leaf.gradient / (leaf.hessian + parameters.l2)
                      tree.values[leaf.node] = value
                      for j in leaf.start..<leaf.end { rawBuffer[Int(rows[j]) * outputs + k] += value }
                    }
                  }
                  for i in 0..<nValidation {
                    let leaf = tree.leaf(bins: validationBuffer.baseAddress!, row: i, rows: nValidation)
                    validationRaw[i * outputs + k] += tree.values[leaf]
                  }
                  treeOut[k] = tree
                }
              }
            }
          }
          trees.append(iterationTrees)
          var metrics: [String: Double] = [:]
          if nValidation > 0 {
            let loss = state.validationLoss(rawValidation)
            metrics["validation_loss"] = loss
            if loss < bestLoss - parameters.tolerance { bestLoss = loss; bestIteration = iteration }
          }
          if progress != nil { metrics["loss"] = state.trainingLoss(raw) }
          progress?(TrainingProgress(iteration: iteration + 1, total: parameters.maxIterations, metrics: metrics))
          if nValidation > 0, iteration - bestIteration >= parameters.patience { break }
        }
      }
    }
    if nValidation > 0 { trees.removeSubrange((bestIteration + 1)...) }
    return GradientBoosting(baseline: baseline, trees: trees, classCount: classCount)
  }
}

/// Targets, link function and loss of one boosting run.
struct BoostingState {
  let target: Target
  let validationTarget: Target
  let classCount: Int
  var outputs: Int { classCount > 2 ? classCount : 1 }

  func baseline() -> [Double] {
    switch target {
    case .values(let y): return [y.reduce(0, +) / Double(y.count)]
    case .classes(let y, let k):
      var counts = [Double](repeating: 0, count: k)
      for label in y { counts[label] += 1 }
      let priors = counts.map { max($0 / Double(y.count), 1e-12) }
      return k == 2 ? [log(priors[1] / priors[0])] : priors.map { log($0) }
    }
  }

  /// Writes (gradient, hessian, 1, 0) per row for every output.
  func gradients(raw: [Double], into gh: inout [[SIMD4<Float>]]) {
    let n = target.count, outputs = self.outputs
    var labels: [Int] = [], values: [Double] = []
    switch target {
    case .classes(let y, _): labels = y
    case .values(let y): values = y
    }
    for k in 0..<outputs {
      gh[k].withUnsafeMutableBufferPointer { out in
        raw.withUnsafeBufferPointer { r in
          Parallel.forChunks(n, size: 8192) { range in
            for i in range {
              var g: Double, h: Double
              if !values.isEmpty {
                g = r[i] - values[i]; h = 1
              } else if outputs == 1 {
                let p = Kernels.sigmoid(r[i])
                g = p - (labels[i] == 1 ? 1 : 0); h = max(p * (1 - p), 1e-16)
              } else {
                let row = r.baseAddress! + i * outputs
                var top = row[0]
                for c in 1..<outputs { top = max(top, row[c]) }
                var sum = 0.0
                for c in 0..<outputs { sum += exp(row[c] - top) }
                let p = exp(row[k] - top) / sum
                g = p - (labels[i] == k ? 1 : 0); h = max(p * (1 - p), 1e-16)
              }
              out[i] = SIMD4(Float(g), Float(h), 1, 0)
            }
          }
        }
      }
    }
  }

  func trainingLoss(_ raw: [Double]) -> Double { loss(raw, target) }
  func validationLoss(_ raw: [Double]) -> Double { loss(raw, validationTarget) }

  /// Mean log loss, cross-entropy or half squared error.
  private func loss(_ raw: [Double], _ target: Target) -> Double {
    let outputs = self.outputs
    var total = 0.0
    switch target {
    case .values(let y):
      for i in 0..<y.count { total += 0.5 * (raw[i] - y[i]) * (raw[i] - y[i]) }
    case .classes(let y, _) where outputs == 1:
      for i in 0..<y.count { total += Kernels.softplus(y[i] == 1 ? -raw[i] : raw[i]) }
    case .classes(let y, _):
      for i in 0..<y.count {
        var top = raw[i * outputs]
        for c in 1..<outputs { top = max(top, raw[i * outputs + c]) }
        var sum = 0.0
        for c in 0..<outputs { sum += exp(raw[i * outputs + c] - top) }
        total += log(sum) + top - raw[i * outputs + y[i]]
      }
    }
    return total / Double(max(1, target.count))
  }
}
