/// A Wait state's literal `Seconds` is between 0 and 99999999.
struct WaitValidator: Validator {
  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for doc in document.allStates {
      guard case .wait(let wait)? = doc.state?.kind, case .seconds(let seconds) = wait.duration else { continue }
      if !(0...99_999_999).contains(seconds) {
        diagnostics.append(.error(.invalidValue, "'Seconds' must be between 0 and 99999999, got \(seconds)",
                                  at: doc.node.location(at: "Seconds")))
      }
    }
  }
}
