import Foundation

/// Produces the fire times of a cron expression in a time zone, in increasing order, from a lower bound on.
///
/// The search works one *offset segment* at a time: a stretch of instants between two transitions of the
/// zone's UTC offset, inside which wall-clock time and UTC differ by a constant. Within a segment the
/// wall-clock search of ``CronExpression/nextMatch(atOrAfter:through:)`` maps straight to instants. At the
/// segment boundaries the daylight-saving rules of ``CronExpression/hasWildcardTime`` apply:
/// - after a spring-forward transition, a fixed-time expression that matches a minute in the skipped
///   wall-clock interval fires once, at the first wall-clock minute after the jump;
/// - after a fall-back transition, a fixed-time expression ignores the wall-clock times that already
///   happened before the transition, so it fires at the first occurrence only.
struct FireTimeIterator: IteratorProtocol {
  let expression: CronExpression
  let timeZone: TimeZone
  /// The earliest instant (seconds since 1970, inclusive) the next fire may have.
  private(set) var lowerBound: Int
  /// Past this instant the search gives up. Every expression that parses fires within a few decades, so
  /// this only guards against a bug turning into an endless loop.
  let horizon: Int
  private var segment: Segment?

  /// A stretch of instants with one UTC offset.
  struct Segment {
    /// An instant known to be inside the segment (the start may be further back than we looked).
    var knownFrom: Int
    /// The transition that began the segment, when it lies within the look-back window.
    var start: Int?
    /// The next transition, if any.
    var end: Int?
    var offset: Int
    /// The offset before `start` (equal to `offset` when `start` is nil).
    var previousOffset: Int

    func contains(_ instant: Int) -> Bool {
      instant >= knownFrom && end.map { instant < $0 } ?? true
    }
  }

  /// An iterator whose first fire is at or after `lowerBound` (seconds since 1970).
  init(expression: CronExpression, timeZone: TimeZone, lowerBound: Int) {
    self.expression = expression
    self.timeZone = timeZone
    self.lowerBound = lowerBound
    self.horizon = lowerBound + 400 * 366 * 86_400
  }

  mutating func next() -> Date? {
    while lowerBound <= horizon {
      let current = currentSegment()
      if let fire = fire(in: current) {
        lowerBound = fire + 1
        return Date(timeIntervalSince1970: TimeInterval(fire))
      }
      guard let end = current.end else { break }
      lowerBound = end
    }
    lowerBound = horizon + 1
    return nil
  }

  /// The first fire at or after `lowerBound` inside `segment`, if any.
  private func fire(in segment: Segment) -> Int? {
    let fixedTime = !expression.hasWildcardTime
    if fixedTime, let start = segment.start, segment.offset > segment.previousOffset {
      // Spring forward: wall-clock minutes [start + previousOffset, start + offset) never happen.
      let firstWallMinute = (start + segment.offset).ceilDivided(by: 60)
      let gapFire = firstWallMinute * 60 - segment.offset
      let gapStart = (start + segment.previousOffset).ceilDivided(by: 60)
      if lowerBound <= gapFire, expression.nextMatch(atOrAfter: gapStart, through: firstWallMinute - 1) != nil {
        return gapFire
      }
    }
    var from = (lowerBound + segment.offset).ceilDivided(by: 60)
    if fixedTime, let start = segment.start, segment.previousOffset > segment.offset {
      // Fall back: wall-clock times before start + previousOffset were already lived through before `start`.
      from = max(from, (start + segment.previousOffset).ceilDivided(by: 60))
    }
    let through = segment.end.map { ($0 + segment.offset).ceilDivided(by: 60) - 1 }
      ?? (horizon + segment.offset).floorDivided(by: 60)
    return expression.nextMatch(atOrAfter: from, through: through).map { $0 * 60 - segment.offset }
  }

  private mutating func currentSegment() -> Segment {
    if let segment, segment.contains(lowerBound) { return segment }
    let instant = lowerBound
    let offset = timeZone.secondsFromGMT(for: Self.date(instant))
    let end = timeZone.nextDaylightSavingTimeTransition(after: Self.date(instant)).map(Self.seconds)
    // Find the transition that began this segment. Two days back is enough: an older transition can
    // neither leave a gap at `instant` nor make a wall-clock time after `instant` a repeat.
    var start: Int?
    var probe = instant - 2 * 86_400
    while let transition = timeZone.nextDaylightSavingTimeTransition(after: Self.date(probe)).map(Self.seconds),
          transition <= instant, transition > probe {
      start = transition
      probe = transition
    }
    let previousOffset = start.map { timeZone.secondsFromGMT(for: Self.date($0 - 1)) } ?? offset
    let found = Segment(knownFrom: instant, start: start, end: end.flatMap { $0 > instant ? $0 : nil },
                        offset: offset, previousOffset: previousOffset)
    segment = found
    return found
  }

  static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

  static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
}
