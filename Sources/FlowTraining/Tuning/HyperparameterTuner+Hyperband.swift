import Foundation

extension HyperparameterTuner {
  /// One bracket of Hyperband: `counts[i]` trials at `budgets[i]` on rung i.
  struct Bracket: Equatable {
    var counts: [Int]
    var budgets: [Int]
  }

  /// Hyperband's brackets (Li et al. 2018), most aggressive first: with s_max = ⌊log_η(max/min)⌋,
  /// bracket s starts ⌈(s_max+1)/(s+1)·η^s⌉ trials at max·η^−s and keeps the best 1/η on each rung.
  func brackets() -> [Bracket] {
    guard let resource = configuration.resource else { return [] }
    let eta = Double(resource.eta)
    let sMax = Int((log(Double(resource.max) / Double(resource.min)) / log(eta) + 1e-9).rounded(.down))
    return (0...sMax).reversed().map { s in
      let n = Int((Double(sMax + 1) / Double(s + 1) * pow(eta, Double(s))).rounded(.up))
      let counts = (0...s).map { i in max(1, Int(Double(n) / pow(eta, Double(i)))) }
      let budgets = (0...s).map { i in max(resource.min, Int((Double(resource.max) * pow(eta, Double(i - s))).rounded())) }
      return Bracket(counts: counts, budgets: budgets)
    }
  }

  /// The next Hyperband trial: scan brackets in order and start the first trial whose inputs are
  /// known — a new random configuration on a first rung, or a promotion once the rung below has
  /// finished. Brackets run side by side, so a rung barrier in one doesn't idle the others.
  func hyperbandSuggestion(finished: [TrialResult], running: [Trial]) -> Suggestion {
    let resource = configuration.resource!
    var byPlace: [[Int]: TrialResult] = [:]
    for result in finished { if let b = result.trial.bracket, let r = result.trial.rung, let s = result.trial.slot { byPlace[[b, r, s]] = result } }
    let runningPlaces = Set(running.compactMap { t in t.bracket.flatMap { b in t.rung.flatMap { r in t.slot.map { [b, r, $0] } } } })
    let issued = finished.count + running.count
    var blocked = false
    for (b, bracket) in brackets().enumerated() {
      for rung in 0..<bracket.counts.count {
        for slot in 0..<bracket.counts[rung] where byPlace[[b, rung, slot]] == nil && !runningPlaces.contains([b, rung, slot]) {
          guard issued < configuration.maxTrials else { return running.isEmpty ? .done : .wait }
          var parameters: [String: ParameterValue]
          if rung == 0 {
            var generator = SeededGenerator(seed: configuration.seed, stream: UInt64(b * 1_000_003 + slot))
            parameters = configuration.space.sample(&generator)
          } else {
            // A promotion needs the whole rung below finished, to rank it.
            let below = (0..<bracket.counts[rung - 1]).compactMap { byPlace[[b, rung - 1, $0]] }
            guard below.count == bracket.counts[rung - 1] else { blocked = true; break }
            let ranked = below.sorted { isBetter($0, than: $1) || (!isBetter($1, than: $0) && $0.trial.slot! < $1.trial.slot!) }
            parameters = ranked[slot].trial.parameters
          }
          parameters[resource.parameter] = .int(bracket.budgets[rung])
          let id = Self.smallestUnusedID(finished.map(\.trial.id) + running.map(\.id))
          return .run(Trial(id: id, parameters: parameters, bracket: b, rung: rung, slot: slot))
        }
        if blocked { break }
      }
      blocked = false
    }
    return running.isEmpty ? .done : .wait
  }
}
