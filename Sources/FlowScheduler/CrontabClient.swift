import Foundation

/// Reads and writes the current user's crontab with the `crontab` command: `crontab -l` and `crontab -`.
///
/// ```swift
/// let client = CrontabClient()
/// let line = try Crontab.tickLine(workingDirectory: dir, flowExecutable: flow, store: store,
///                                 pipelinesDirectory: pipelines, log: log)
/// try client.install([line], note: dir)     // flow schedule install
/// try client.removeManagedBlock()           // flow schedule remove
/// ```
///
/// Tests point ``executable`` at a fake `crontab` script, or pass a ``CommandRunner`` of their own.
public struct CrontabClient: Sendable {
  /// The `crontab` command: a name looked up on `PATH`, or a path.
  public var executable: String
  /// What runs the command.
  public var runner: any CommandRunner

  /// Creates a client.
  ///
  /// - Parameters:
  ///   - executable: The `crontab` command to run; `"crontab"` by default.
  ///   - runner: What runs it; a ``ProcessCommandRunner`` by default.
  public init(executable: String = "crontab", runner: any CommandRunner = ProcessCommandRunner()) {
    self.executable = executable
    self.runner = runner
  }

  /// The current crontab (`crontab -l`); empty when the user has none.
  ///
  /// - Returns: The crontab's text, byte for byte.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/commandFailed`` when `crontab -l` fails for
  ///   any reason other than "no crontab for USER".
  public func read() throws(ScheduleError) -> Crontab {
    let result = try runner.run(executable, arguments: ["-l"], input: nil)
    if result.status == 0 { return Crontab(result.outputText) }
    // Vixie/Debian cron and cronie both say "no crontab for USER" (exit 1) when there is none yet.
    if result.errorText.contains("no crontab for") { return Crontab() }
    throw ScheduleError(.commandFailed, "`\(executable) -l` failed with status \(result.status): \(result.errorText)")
  }

  /// Replaces the current crontab with `crontab` (`crontab -`).
  ///
  /// - Parameter crontab: The new crontab.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/commandFailed`` when `crontab -` rejects it.
  public func write(_ crontab: Crontab) throws(ScheduleError) {
    let result = try runner.run(executable, arguments: ["-"], input: Data(crontab.text.utf8))
    guard result.status == 0 else {
      throw ScheduleError(.commandFailed, "`\(executable) -` failed with status \(result.status): \(result.errorText)")
    }
  }

  /// Installs `lines` as the managed block, keeping every other line of the crontab.
  ///
  /// - Parameters:
  ///   - lines: The cron lines of the block.
  ///   - note: Text after the `BEGIN` marker, such as the project directory.
  /// - Returns: The crontab before and after; nothing is written when they are equal.
  /// - Throws: ``ScheduleError`` from reading, editing (``ScheduleError/Code/malformedCrontab``) or writing.
  @discardableResult
  public func install(_ lines: [String], note: String? = nil) throws(ScheduleError) -> (before: Crontab, after: Crontab) {
    let before = try read()
    let after = try before.installing(lines, note: note)
    if after != before { try write(after) }
    return (before, after)
  }

  /// Deletes the managed block, keeping every other line of the crontab.
  ///
  /// - Returns: The crontab before and after; nothing is written when there was no block.
  /// - Throws: ``ScheduleError`` from reading, editing (``ScheduleError/Code/malformedCrontab``) or writing.
  @discardableResult
  public func removeManagedBlock() throws(ScheduleError) -> (before: Crontab, after: Crontab) {
    let before = try read()
    let after = try before.removingManagedBlock()
    if after != before { try write(after) }
    return (before, after)
  }
}
