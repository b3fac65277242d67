import FlowCore
import FlowDefinition
import FlowExpressions

extension ScopeRunner {
  /// At most this many iterations run at once when `MaxConcurrency` sets no limit.
  static let unboundedConcurrency = 1000

  func runMap(_ state: State, _ map: MapState, effective: JSONValue) async throws -> JSONValue {
    var items = try mapItems(state, map, effective: effective)
    let limit = try map.maxConcurrency.map { Int(try resolve($0, on: effective, state: state, field: "MaxConcurrencyPath")) } ?? 0
    if let batcher = map.itemBatcher { items = try batch(items, batcher, state: state, effective: effective) }
    let tolerance = try toleratedFailures(map, count: items.count, state: state, effective: effective)
    let inputs = try items.enumerated().map { index, item in
      try map.itemSelector.map { try evaluate($0, on: effective, state: state, mapItem: (index, item)) } ?? item
    }
    let started = event("MapStateStarted", ["name": .string(state.name), "length": .int(inputs.count)])
    let prefix = childPrefix(state)
    let runtime = self.runtime, variables = position.variables, processor = map.processor, name = state.name
    let width = limit > 0 ? limit : Self.unboundedConcurrency
    do {
      let results = try await withThrowingTaskGroup(of: (Int, Result<JSONValue, StepFailure>).self) { group in
        var next = 0
        func launch() {
          let index = next
          next += 1
          group.addTask {
            do {
              let output = try await runtime.runChild(id: "\(prefix)/\(index)", machine: processor, input: inputs[index],
                                                      variables: variables, parentEvent: started, iteration: (name, index))
              return (index, .success(output))
            } catch let failure as StepFailure {
              return (index, .failure(failure))
            }
          }
        }
        while next < min(width, inputs.count) { launch() }
        var results = [JSONValue](repeating: .null, count: inputs.count)
        var failures = 0
        for try await (index, result) in group {
          switch result {
          case .success(let output): results[index] = output
          case .failure(let failure):
            failures += 1
            guard let tolerance else { throw failure }
            if failures > tolerance {
              throw StepFailure("States.ExceedToleratedFailureThreshold",
                                cause: "The specified tolerated failure threshold was exceeded")
            }
            results[index] = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
          }
          if next < inputs.count { launch() }
        }
        return results
      }
      event("MapStateSucceeded", ["name": .string(state.name)])
      let result = JSONValue.array(results)
      return try state.resultSelector.map { try evaluate($0, on: result, state: state) } ?? result
    } catch let failure as StepFailure {
      event("MapStateFailed", ["name": .string(state.name), "error": .string(failure.error), "cause": .string(failure.cause)])
      throw failure
    }
  }

  private func mapItems(_ state: State, _ map: MapState, effective: JSONValue) throws -> [JSONValue] {
    if let reader = map.itemReader {
      return try ItemReading.read(reader, parameters: evaluate(reader.parameters, on: effective, state: state),
                                  maxItems: reader.maxItems.map { Int(try resolve($0, on: effective, state: state, field: "MaxItemsPath")) })
    }
    let path = map.itemsPath
    let value = path.map { $0.evaluate(in: scope(effective, state: state)) } ?? effective
    guard let value else {
      throw runtimeError(path!.invalidPathCause(in: scope(effective, state: state)))
    }
    guard case .array(let items) = value else {
      throw runtimeError("Invalid path '\(path?.text ?? "$")': the value \(value.serialized()) is not a JSON array")
    }
    return items
  }

  /// How many failed items the Map tolerates, or `nil` when the first failure fails it.
  private func toleratedFailures(_ map: MapState, count: Int, state: State, effective: JSONValue) throws -> Int? {
    var tolerated: Int?
    if let source = map.toleratedFailureCount {
      tolerated = Int(try resolve(source, on: effective, state: state, field: "ToleratedFailureCountPath"))
    }
    if let source = map.toleratedFailurePercentage {
      let percent = try resolve(source, on: effective, state: state, field: "ToleratedFailurePercentagePath", integer: false)
      let byPercent = Int((percent / 100 * Double(count)).rounded(.down))
      tolerated = max(tolerated ?? 0, byPercent)
    }
    return tolerated
  }

  private func batch(_ items: [JSONValue], _ batcher: ItemBatcher, state: State, effective: JSONValue) throws -> [JSONValue] {
    let maxItems = try batcher.maxItemsPerBatch.map { Int(try resolve($0, on: effective, state: state, field: "MaxItemsPerBatchPath")) } ?? Int.max
    let maxBytes = try batcher.maxInputBytesPerBatch.map { Int(try resolve($0, on: effective, state: state, field: "MaxInputBytesPerBatchPath")) } ?? 256 * 1024
    let batchInput = try batcher.batchInput.map { try evaluate($0, on: effective, state: state) }
    var batches: [JSONValue] = []
    var current: [JSONValue] = []
    var bytes = 0
    func close() {
      guard !current.isEmpty else { return }
      var batch: JSONObject = ["Items": .array(current)]
      if let batchInput { batch["BatchInput"] = batchInput }
      batches.append(.object(batch))
      current = []
      bytes = 0
    }
    for item in items {
      let size = item.serialized().utf8.count
      if !current.isEmpty && (current.count >= max(maxItems, 1) || bytes + size > maxBytes) { close() }
      current.append(item)
      bytes += size
    }
    close()
    return batches
  }
}
