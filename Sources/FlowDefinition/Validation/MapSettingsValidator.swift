import FlowCore

/// A Map state's literal limits are in range: `MaxConcurrency` ≥ 0, `ToleratedFailurePercentage` in 0…100,
/// `ToleratedFailureCount` ≥ 0, batch sizes and `MaxItems` ≥ 1; and, as AWS bounds them (Java `int`s, 256 KiB
/// per batch, 100,000,000 items), none so large that it cannot be used (`MaxConcurrency: 9223372036854775807`).
struct MapSettingsValidator: Validator {
  static let int32Max = Double(Int32.max)

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for doc in document.allStates {
      guard case .map(let map)? = doc.state?.kind else { continue }
      func check(_ source: NumberSource?, atLeast lower: Double, atMost upper: Double? = nil, _ path: [LocatedNode.PathComponent]) {
        guard case .value(let value)? = source, value < lower || value > (upper ?? .infinity) else { return }
        guard case .key(let name)? = path.last else { return }
        let bound = upper.map { "between \(format(lower)) and \(format($0))" } ?? "at least \(format(lower))"
        diagnostics.append(.error(.invalidValue, "'\(name)' must be \(bound), got \(format(value))",
                                  at: doc.node.descendant(path)?.location ?? doc.node.location))
      }
      check(map.maxConcurrency, atLeast: 0, atMost: Self.int32Max, ["MaxConcurrency"])
      check(map.toleratedFailurePercentage, atLeast: 0, atMost: 100, ["ToleratedFailurePercentage"])
      check(map.toleratedFailureCount, atLeast: 0, atMost: Self.int32Max, ["ToleratedFailureCount"])
      check(map.itemBatcher?.maxItemsPerBatch, atLeast: 1, atMost: Self.int32Max, ["ItemBatcher", "MaxItemsPerBatch"])
      check(map.itemBatcher?.maxInputBytesPerBatch, atLeast: 1, atMost: 262_144, ["ItemBatcher", "MaxInputBytesPerBatch"])
      check(map.itemReader?.maxItems, atLeast: 1, atMost: 100_000_000, ["ItemReader", "ReaderConfig", "MaxItems"])
    }
  }

  private func format(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
