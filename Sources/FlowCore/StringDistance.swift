/// The "did you mean" of every flow message: one rule for pipelines, schedules, step parameters and hyperparameters.
extension Sequence<String> {
  /// The element most like `name`, for "did you mean" hints: the same name in another case,
  /// else the nearest by edit distance when it is close enough to be a plausible typo.
  public func closestMatch(to name: String) -> String? {
    let lowered = name.lowercased()
    if let sameCase = first(where: { $0.lowercased() == lowered && $0 != name }) { return sameCase }
    var best: (name: String, distance: Int)?
    for candidate in self where candidate != name {
      let distance = editDistance(lowered, candidate.lowercased())
      if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    // Allow about one typo per four characters, at least one and at most three.
    let allowed = Swift.min(3, Swift.max(1, name.count / 4))
    return best.distance <= allowed ? best.name : nil
  }
}

/// The Levenshtein distance between `a` and `b`, counted in characters, with transpositions costing one.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a), b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previousPrevious = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
      }
    }
    (previousPrevious, previous, current) = (previous, current, previousPrevious)
  }
  return previous[b.count]
}

extension Optional<String> {
  /// `did you mean 'X'?` when there is a suggestion.
  public var didYouMean: String? { map { "did you mean '\($0)'?" } }
}
