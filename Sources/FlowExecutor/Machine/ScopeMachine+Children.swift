import FlowCore
import FlowDefinition

/// One Parallel branch or Map iteration to run.
struct ChildScope: Sendable, Equatable {
  /// Derived from the parent's position, so a resumed or redriven parent finds the same children.
  var id: String
  var branch: Int
  var input: JSONValue
  var iteration: Position.Iteration?
}

/// The children of a Parallel or Map state, and the rules for joining them (see ``FanOut``).
struct ChildBatch: Sendable, Equatable {
  var children: [ChildScope]
  /// Children that run at once; 0 is no limit.
  var maxConcurrency: Int
  /// Failed children tolerated before the state fails; nil fails it at the first.
  var toleratedFailures: Int?
  /// The `…StateStarted` event the children's first events follow from.
  var parentEvent: Int
  /// The variables every child starts with.
  var variables: [String: JSONValue]
}

/// A Map's `ItemReader` to read.
struct ItemRead: Sendable, Equatable {
  var state: String
  var parameters: JSONValue
  var maxItems: Int?
}

extension ScopeMachine {
  /// The state machine a child runs: a Parallel's branch or the Map's item processor.
  func childMachine(of state: State, branch: Int) -> StateMachine? {
    switch state.kind {
    case .parallel(let parallel): parallel.branches.indices.contains(branch) ? parallel.branches[branch] : nil
    case .map(let map): map.processor
    default: nil
    }
  }

  /// The prefix of the ids of this state's children in its current visit and retry.
  func childPrefix(_ state: State) -> String {
    "\(scopeId)/\(state.name)@\(position.visit).\(position.retryCount)"
  }

  /// The `…StateStarted` event of children already started (on resume), or a new one.
  private mutating func started(_ type: HistoryEventType, _ details: JSONObject) -> Int {
    if case .children(let started) = position.phase { return started }
    let id = event(type, details)
    position.phase = .children(started: id)
    return id
  }

  mutating func startParallel(_ state: State, _ parallel: ParallelState) throws -> StepResult {
    let effective = try applyInputPath(state, position.input)
    let input: JSONValue
    if let arguments = state.jsonata?.arguments {
      input = try evaluate(arguments, field: "Arguments", state: state, StatesValues(input: effective))
    } else {
      input = try state.parameters.map { try evaluate($0, on: effective, state: state) } ?? effective
    }
    let started = started(.parallelStateStarted, [:])
    let prefix = childPrefix(state)
    let children = parallel.branches.indices.map { ChildScope(id: "\(prefix)/\($0)", branch: $0, input: input, iteration: nil) }
    return .effect(.runChildren(ChildBatch(children: children, maxConcurrency: 0, toleratedFailures: nil,
                                           parentEvent: started, variables: position.variables)))
  }

  /// Starts a Map: asks for its `ItemReader` to be read first when it has one.
  mutating func startMap(_ state: State, _ map: MapState, items read: [JSONValue]?) throws -> StepResult {
    let effective = try applyInputPath(state, position.input)
    var items: [JSONValue]
    if let read {
      items = read
    } else if let reader = map.itemReader {
      return .effect(.readItems(ItemRead(
        state: state.name, parameters: try evaluate(reader.parameters, on: effective, state: state),
        maxItems: try reader.maxItems.map { try count($0, on: effective, state: state, field: "MaxItemsPath") })))
    } else if state.jsonata != nil {
      items = try jsonataItems(state, map, input: effective)
    } else {
      items = try mapItems(state, map, effective: effective)
    }
    let limit = try map.maxConcurrency.map { try count($0, on: effective, state: state, field: "MaxConcurrencyPath") } ?? 0
    if let batcher = map.itemBatcher { items = try batch(items, batcher, state: state, effective: effective) }
    let tolerance = try toleratedFailures(map, count: items.count, state: state, effective: effective)
    let inputs = try items.enumerated().map { index, item in
      if let selector = map.itemSelectorExpression {
        return try evaluate(selector, field: "ItemSelector", state: state, StatesValues(input: effective, mapItem: (index, item)))
      }
      return try map.itemSelector.map { try evaluate($0, on: effective, state: state, mapItem: (index, item)) } ?? item
    }
    if map.isDistributed, let document = map.processorDocument {
      return startMapRun(state, map, document: document, inputs: inputs, limit: limit, tolerance: tolerance)
    }
    let started = started(.mapStateStarted, EventDetails.mapStateStarted(length: inputs.count))
    let prefix = childPrefix(state)
    let children = inputs.enumerated().map { index, input in
      ChildScope(id: "\(prefix)/\(index)", branch: 0, input: input, iteration: .init(name: state.name, index: index))
    }
    return .effect(.runChildren(ChildBatch(children: children, maxConcurrency: limit, toleratedFailures: tolerance,
                                           parentEvent: started, variables: position.variables)))
  }

  mutating func itemsRead(_ items: Result<[JSONValue], StepFailure>) throws -> StepResult {
    let state = try current
    guard case .map(let map) = state.kind else { return try runState() }
    do {
      return try startMap(state, map, items: items.get())
    } catch let failure as StepFailure {
      return try handleWorkFailure(state, failure, retry: true)
    }
  }

  mutating func childrenFinished(_ result: Result<[JSONValue], StepFailure>) throws -> StepResult {
    try joined(result.map { JSONValue.array($0) })
  }

  /// A Parallel's or Map's children ended: `result` is the state's raw result (before `ResultSelector`).
  mutating func joined(_ result: Result<JSONValue, StepFailure>) throws -> StepResult {
    let state = try current
    let isMap: Bool
    if case .map = state.kind { isMap = true } else { isMap = false }
    position.phase = .ready
    do {
      let value = try result.get()
      event(isMap ? .mapStateSucceeded : .parallelStateSucceeded)
      let selected = try state.resultSelector.map { try evaluate($0, on: value, state: state) } ?? value
      do {
        return try finishWork(state, result: selected)
      } catch let failure as StepFailure {
        return try handleWorkFailure(state, failure, retry: false)
      }
    } catch let failure as StepFailure {
      if case .failure = result { event(isMap ? .mapStateFailed : .parallelStateFailed) }
      return try handleWorkFailure(state, failure, retry: true)
    }
  }

  private func mapItems(_ state: State, _ map: MapState, effective: JSONValue) throws -> [JSONValue] {
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
  private func toleratedFailures(_ map: MapState, count items: Int, state: State, effective: JSONValue) throws -> Int? {
    var tolerated: Int?
    if let source = map.toleratedFailureCount {
      tolerated = try count(source, on: effective, state: state, field: "ToleratedFailureCountPath")
    }
    if let source = map.toleratedFailurePercentage {
      let percent = try resolve(source, on: effective, state: state, field: "ToleratedFailurePercentagePath", integer: false)
      guard percent <= 100 else {
        throw runtimeError("The ToleratedFailurePercentagePath field refers to value \(percent), which is not a percentage from 0 to 100.")
      }
      let byPercent = Int((percent / 100 * Double(items)).rounded(.down))
      tolerated = max(tolerated ?? 0, byPercent)
    }
    return tolerated
  }

  private func batch(_ items: [JSONValue], _ batcher: ItemBatcher, state: State, effective: JSONValue) throws -> [JSONValue] {
    let maxItems = try batcher.maxItemsPerBatch.map { try count($0, on: effective, state: state, field: "MaxItemsPerBatchPath") } ?? Int.max
    let maxBytes = try batcher.maxInputBytesPerBatch.map { try count($0, on: effective, state: state, field: "MaxInputBytesPerBatchPath") } ?? 256 * 1024
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
