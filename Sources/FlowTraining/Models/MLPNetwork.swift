import Foundation

/// The layer arithmetic of ``MLP`` on flat parameter and activation buffers.
///
/// Parameters are laid out layer by layer, weights (`inputs × outputs`, row-major) then biases.
/// Activations of a batch of `rows` rows are laid out layer by layer too.
struct MLPNetwork {
  /// Widths: input, hidden layers…, output.
  let sizes: [Int]
  /// Classes (softmax output), or 0 (linear output, squared error).
  let classCount: Int
  let weightOffsets: [Int]
  let biasOffsets: [Int]
  let parameterCount: Int

  init(sizes: [Int], classCount: Int) {
    self.sizes = sizes
    self.classCount = classCount
    var weights: [Int] = [], biases: [Int] = []
    var total = 0
    for l in 0..<(sizes.count - 1) {
      weights.append(total); total += sizes[l] * sizes[l + 1]
      biases.append(total); total += sizes[l + 1]
    }
    weightOffsets = weights
    biasOffsets = biases
    parameterCount = total
  }

  var layerCount: Int { sizes.count - 1 }

  func activationSize(rows: Int) -> Int { rows * sizes.dropFirst().reduce(0, +) }

  func activationOffset(layer: Int, rows: Int) -> Int { rows * sizes[1..<(layer + 1)].reduce(0, +) }

  /// Forward pass; the last layer's output is softmaxed for classification.
  func forward(_ params: UnsafePointer<Float>, input: UnsafePointer<Float>, rows: Int,
               activations: UnsafeMutablePointer<Float>) {
    var source = input
    var offset = 0
    for l in 0..<layerCount {
      let inputs = sizes[l], outputs = sizes[l + 1]
      let out = activations + offset
      if outputs >= 8 {
        FloatKernels.affine(source, rows: rows, k: inputs, params + weightOffsets[l], n: outputs,
                            bias: params + biasOffsets[l], into: out)
      } else {
        // Narrow layer: one dot product per output over transposed weights.
        let weights = params + weightOffsets[l], bias = params + biasOffsets[l]
        var transposed = [Float](repeating: 0, count: outputs * inputs)
        for j in 0..<inputs { for c in 0..<outputs { transposed[c * inputs + j] = weights[j * outputs + c] } }
        transposed.withUnsafeBufferPointer { wt in
          for r in 0..<rows {
            for c in 0..<outputs {
              out[r * outputs + c] = bias[c] + FloatKernels.dot(source + r * inputs, wt.baseAddress! + c * inputs, inputs)
            }
          }
        }
      }
      let count = rows * outputs
      if l < layerCount - 1 {
        for k in 0..<count where out[k] < 0 { out[k] = 0 }
      } else if classCount > 0 {
        for r in 0..<rows {
          let z = out + r * outputs
          var top = z[0]
          for c in 1..<outputs { top = max(top, z[c]) }
          var sum: Float = 0
          for c in 0..<outputs { z[c] = expf(z[c] - top); sum += z[c] }
          let inverse = 1 / sum
          for c in 0..<outputs { z[c] *= inverse }
        }
      }
      source = UnsafePointer(out)
      offset += count
    }
  }

  /// Forward and backward pass over `rows` rows; adds the data part of the gradient (scaled by
  /// 1 / `batchSize`) into `gradients` and returns the summed loss of these rows.
  func backpropagate(_ params: UnsafePointer<Float>, input: UnsafePointer<Float>, labels: UnsafePointer<Int32>,
                     targets: UnsafePointer<Float>, rows: Int, batchSize: Int,
                     activations: UnsafeMutablePointer<Float>, deltas: UnsafeMutablePointer<Float>,
                     gradients: UnsafeMutablePointer<Float>) -> Double {
    forward(params, input: input, rows: rows, activations: activations)
    var offsets: [Int] = []
    var total = 0
    for l in 0..<layerCount { offsets.append(total); total += rows * sizes[l + 1] }
    let outputs = sizes[layerCount]
    let output = activations + offsets[layerCount - 1]
    let outputDelta = deltas + offsets[layerCount - 1]
    let scale = 1 / Float(batchSize)
    var loss = 0.0
    for r in 0..<rows {
      if classCount > 0 {
        let label = Int(labels[r])
        loss -= log(Double(max(output[r * outputs + label], 1e-30)))
        for c in 0..<outputs { outputDelta[r * outputs + c] = (output[r * outputs + c] - (c == label ? 1 : 0)) * scale }
      } else {
        let error = output[r] - targets[r]
        loss += 0.5 * Double(error * error)
        outputDelta[r] = error * scale
      }
    }
    for l in stride(from: layerCount - 1, through: 0, by: -1) {
      let inputs = sizes[l], width = sizes[l + 1]
      let delta = deltas + offsets[l]
      let previous: UnsafePointer<Float> = l == 0 ? input : UnsafePointer(activations + offsets[l - 1])
      let weights = params + weightOffsets[l]
      let weightGradient = gradients + weightOffsets[l], biasGradient = gradients + biasOffsets[l]
      let previousDelta = l > 0 ? deltas + offsets[l - 1] : nil
      if width >= 8 {
        // Wide layer: vectors run along the outputs.
        for r in 0..<rows {
          let d = delta + r * width
          let a = previous + r * inputs
          for j in 0..<inputs where a[j] != 0 { FloatKernels.axpy(a[j], d, weightGradient + j * width, width) }
          FloatKernels.axpy(1, d, biasGradient, width)
          if let previousDelta {
            for j in 0..<inputs {
              // ReLU derivative: the gradient flows only where the activation was positive.
              previousDelta[r * inputs + j] = a[j] > 0 ? FloatKernels.dot(d, weights + j * width, width) : 0
            }
          }
        }
      } else {
        // Narrow layer (such as the output): vectors run along the inputs, on transposed weights.
        var transposed = [Float](repeating: 0, count: width * inputs)
        var transposedGradient = [Float](repeating: 0, count: width * inputs)
        for j in 0..<inputs { for c in 0..<width { transposed[c * inputs + j] = weights[j * width + c] } }
        transposed.withUnsafeBufferPointer { wt in
          transposedGradient.withUnsafeMutableBufferPointer { gt in
            for r in 0..<rows {
              let d = delta + r * width
              let a = previous + r * inputs
              for c in 0..<width {
                FloatKernels.axpy(d[c], a, gt.baseAddress! + c * inputs, inputs)
                biasGradient[c] += d[c]
              }
              if let previousDelta {
                let target = previousDelta + r * inputs
                target.update(repeating: 0, count: inputs)
                for c in 0..<width { FloatKernels.axpy(d[c], wt.baseAddress! + c * inputs, target, inputs) }
                for j in 0..<inputs where a[j] <= 0 { target[j] = 0 }
              }
            }
          }
        }
        for j in 0..<inputs { for c in 0..<width { weightGradient[j * width + c] += transposedGradient[c * inputs + j] } }
      }
    }
    return loss
  }
}
