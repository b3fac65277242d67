import FlowCore

/// `Retry` and `Catch`. Value ranges and the place of `States.ALL` are checked by ``RetryValidator``.
extension DocumentDecoder {
  static let retrierFields = ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]
  static let catcherFields = ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"]
  static let jsonataCatcherFields = ["ErrorEquals", "Next", "Output", "Assign", "Comment"]

  mutating func retriers(in node: LocatedNode) -> [Retrier] {
    guard let entries = array(node, "Retry") else { return [] }
    // Invalid entries become placeholders, so that indexes still match the file for the validators.
    return entries.map { entry in
      guard object(entry, "a 'Retry' entry") else { return Retrier(errorEquals: []) }
      checkFields(of: entry, allowed: Self.retrierFields, in: "a 'Retry' entry")
      var retrier = Retrier(errorEquals: errorEquals(entry))
      if let interval = int(entry, "IntervalSeconds") { retrier.intervalSeconds = Double(interval.value) }
      if let attempts = int(entry, "MaxAttempts") { retrier.maxAttempts = attempts.value }
      if let rate = number(entry, "BackoffRate") { retrier.backoffRate = rate.value }
      if let maxDelay = int(entry, "MaxDelaySeconds") { retrier.maxDelaySeconds = Double(maxDelay.value) }
      if let jitter = string(entry, "JitterStrategy") {
        if let value = Retrier.Jitter(rawValue: jitter.value) {
          retrier.jitter = value
        } else {
          error(.invalidValue, "'JitterStrategy' must be FULL or NONE, got '\(jitter.value)'", at: jitter.location,
                hint: ["FULL", "NONE"].closestMatch(to: jitter.value).didYouMean)
        }
      }
      return retrier
    }
  }

  /// The catchers, each with its `Next` where written.
  mutating func catchers(in node: LocatedNode, language: QueryLanguage) -> [(catcher: Catcher, next: Located<String>?)] {
    guard let entries = array(node, "Catch") else { return [] }
    return entries.map { entry in
      guard object(entry, "a 'Catch' entry") else { return (Catcher(errorEquals: [], next: ""), nil) }
      let jsonata = language == .jsonata
      checkFields(of: entry, allowed: jsonata ? Self.jsonataCatcherFields : Self.catcherFields, in: "a 'Catch' entry", language: language)
      let next = required(entry, "Next", in: "the 'Catch' entry").flatMap { stringValue($0, "Next") }
      if jsonata {
        var catcher = Catcher(errorEquals: errorEquals(entry), next: next?.value ?? "")
        catcher.jsonata = jsonataFields(in: entry)
        return (catcher, next)
      }
      let catcher = Catcher(errorEquals: errorEquals(entry), next: next?.value ?? "", resultPath: resultPath(in: entry),
                            assign: assign(in: entry))
      return (catcher, next)
    }
  }

  /// `ErrorEquals`: a non-empty list of error names.
  private mutating func errorEquals(_ entry: LocatedNode) -> [String] {
    guard let listNode = required(entry, "ErrorEquals", in: "the entry"), let names = strings(entry, "ErrorEquals") else { return [] }
    if listNode.items?.isEmpty == true {
      error(.missingField, "'ErrorEquals' must name at least one error", at: listNode.location, hint: "use [\"States.ALL\"] to match any error")
    }
    for name in names where name.value.isEmpty {
      error(.invalidValue, "an error name must not be empty", at: name.location)
    }
    return names.map(\.value)
  }
}
