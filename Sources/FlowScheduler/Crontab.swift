/// The text of a user's crontab, and the edits flow makes to it: one managed block between marker lines.
///
/// ```
/// 0 * * * * /home/me/backup.sh                      ← the user's lines, kept byte for byte
/// # BEGIN flow managed block (do not edit) /srv/ml
/// * * * * * cd /srv/ml && /usr/local/bin/flow tick --store /srv/ml/.flow/flow.db /srv/ml/pipelines >> /srv/ml/.flow/tick.log 2>&1
/// # END flow managed block
/// ```
///
/// Installing replaces the block where it stands, or appends it; removing deletes exactly the block's lines.
/// Every other line, including blank lines, comments and `\r`, stays as it was. A crontab whose markers are
/// damaged (a `BEGIN` without `END`, or two blocks) is refused rather than guessed at, since a wrong guess
/// would delete the user's lines.
///
/// ```swift
/// let updated = try Crontab(current).installing([line], note: "/srv/ml")
/// let cleaned = try updated.removingManagedBlock()
/// ```
public struct Crontab: Hashable, Sendable, CustomStringConvertible {
  /// The first line of the managed block, possibly followed by a note.
  public static let beginMarker = "# BEGIN flow managed block (do not edit)"
  /// The last line of the managed block.
  public static let endMarker = "# END flow managed block"
  // Markers are recognised by these prefixes, so that a note or trailing blanks don't hide a block.
  static let beginPrefix = "# BEGIN flow managed block"
  static let endPrefix = "# END flow managed block"

  /// The crontab's full text, as `crontab -l` prints it and `crontab -` reads it.
  public var text: String

  /// Wraps crontab text; the empty string is an empty crontab.
  public init(_ text: String = "") {
    self.text = text
  }

  /// The crontab's text.
  public var description: String { text }

  /// The lines inside the managed block, or `nil` when there is no block.
  ///
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/malformedCrontab`` when the markers are damaged.
  public func managedLines() throws(ScheduleError) -> [String]? {
    let lines = splitLines()
    guard let block = try blockRange(in: lines) else { return nil }
    return Array(lines[(block.lowerBound + 1)..<block.upperBound])
  }

  /// The crontab with the managed block holding `lines`: the existing block replaced in place, or a new
  /// block appended at the end.
  ///
  /// A crontab whose last line lacks a newline gets one before the block (cron ignores an unterminated last
  /// line anyway); nothing else outside the block changes.
  ///
  /// - Parameters:
  ///   - lines: The cron lines to manage, each a single line.
  ///   - note: Text after the `BEGIN` marker, such as the project directory; a single line.
  /// - Returns: The new crontab, ending with a newline.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/malformedCrontab`` for damaged markers, or
  ///   ``ScheduleError/Code/invalidValue`` for a line with a line break or a marker in it.
  public func installing(_ lines: [String], note: String? = nil) throws(ScheduleError) -> Crontab {
    for line in lines + [note ?? ""] {
      if line.contains(where: \.isNewline) {
        throw ScheduleError(.invalidValue, "a crontab line must be a single line: \(line.debugDescription)")
      }
      if Self.isMarker(line) {
        throw ScheduleError(.invalidValue, "a managed line can't be a block marker: \(line.debugDescription)")
      }
    }
    let begin = note.map { "\(Self.beginMarker) \($0)" } ?? Self.beginMarker
    let block = [begin] + lines + [Self.endMarker]
    var existing = splitLines()
    if let range = try blockRange(in: existing) {
      existing.replaceSubrange(range, with: block)
    } else if existing.last == "" {
      // Text ending in "\n" splits into a trailing empty element, which stays last.
      existing.insert(contentsOf: block, at: existing.count - 1)
    } else {
      existing += block
    }
    if existing.last != "" { existing.append("") }
    return Crontab(existing.joined(separator: "\n"))
  }

  /// The crontab without the managed block; unchanged when there is none.
  ///
  /// - Returns: The crontab with exactly the block's lines (markers included) deleted.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/malformedCrontab`` for damaged markers.
  public func removingManagedBlock() throws(ScheduleError) -> Crontab {
    var lines = splitLines()
    guard let range = try blockRange(in: lines) else { return self }
    lines.removeSubrange(range)
    return Crontab(lines.joined(separator: "\n"))
  }

  /// True when the crontab has no line other than blank lines and comments.
  public var isEffectivelyEmpty: Bool {
    splitLines().allSatisfy { line in
      let trimmed = line.drop(while: \.isWhitespace)
      return trimmed.isEmpty || trimmed.first == "#"
    }
  }

  /// Lines split on "\n" only, so "\r" and every other byte survive a split and re-join unchanged.
  /// The split works on Unicode scalars: as `Character`s, "\r\n" is one grapheme and holds no "\n".
  private func splitLines() -> [String] {
    text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
      String(String.UnicodeScalarView($0))
    }
  }

  private static func trimmed(_ line: some StringProtocol) -> String {
    var result = String(line)
    while let last = result.last, last.isWhitespace { result.removeLast() }
    return result
  }

  private static func isMarker(_ line: some StringProtocol) -> Bool {
    let text = trimmed(line)
    return text.hasPrefix(beginPrefix) || text.hasPrefix(endPrefix)
  }

  /// The indices of the block's `BEGIN` through `END` lines.
  private func blockRange(in lines: [String]) throws(ScheduleError) -> ClosedRange<Int>? {
    var begin: Int?, found: ClosedRange<Int>?
    for (index, line) in lines.enumerated() {
      let text = Self.trimmed(line)
      if text.hasPrefix(Self.beginPrefix) {
        if let begin {
          throw malformed("line \(index + 1) opens a second managed block before the one on line \(begin + 1) is closed")
        }
        if let found {
          throw malformed("line \(index + 1) opens a second managed block (the first is lines \(found.lowerBound + 1)-"
                          + "\(found.upperBound + 1))")
        }
        begin = index
      } else if text.hasPrefix(Self.endPrefix) {
        guard let start = begin else {
          throw malformed("line \(index + 1) closes a managed block that was never opened")
        }
        found = start...index
        begin = nil
      }
    }
    if let begin { throw malformed("the managed block opened on line \(begin + 1) is never closed") }
    return found
  }

  private func malformed(_ message: String) -> ScheduleError {
    ScheduleError(.malformedCrontab, "crontab: \(message)",
                  hint: "fix the '\(Self.beginPrefix)' and '\(Self.endPrefix)' lines with `crontab -e`")
  }
}
