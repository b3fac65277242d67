import FlowPostgres
import FlowScheduler
import Foundation

/// The crontab line of one project: `flow tick` with absolute paths, every minute.
///
/// A project is identified by its store and pipelines directory, so `flow schedule install` in two projects keeps
/// one line for each inside the managed block, and installing again replaces the project's own line.
struct CronInstallation {
  var workingDirectory: String
  var flowExecutable: String
  var store: String
  var pipelinesDirectory: String
  var log: String

  /// Paths for the pipelines in `directory` and the store at `storePath`, both made absolute against the working
  /// directory (a PostgreSQL URL is kept as it is, and the log goes to `localDirectory`); the binary is this
  /// process's own (`/proc/self/exe`, links resolved) unless `flowExecutable` is given.
  init(directory: String, storePath: String, localDirectory: String? = nil, flowExecutable: String? = nil) {
    let cwd = FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> String {
      URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
    }
    workingDirectory = absolute(cwd)
    self.flowExecutable = flowExecutable.map(absolute)
      ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let postgres = PostgresURL.isPostgresURL(storePath)
    store = postgres ? storePath : absolute(storePath)
    pipelinesDirectory = absolute(directory)
    log = (localDirectory.map(absolute) ?? (absolute(storePath) as NSString).deletingLastPathComponent) + "/tick.log"
  }

  /// The cron line.
  /// - Throws: ``ScheduleError`` when a path can't be written in a crontab (a line break in it).
  func tickLine() throws(ScheduleError) -> String {
    try Crontab.tickLine(workingDirectory: workingDirectory, flowExecutable: flowExecutable, store: store,
                         pipelinesDirectory: pipelinesDirectory, log: log)
  }

  /// Puts this project's line into the crontab's managed block, keeping every other line.
  ///
  /// - Parameters:
  ///   - client: Reads and writes the crontab.
  ///   - write: `false` for a dry run: compute the new crontab only.
  /// - Returns: The line, the new crontab, whether it differs from the current one, and (dry run only) why the
  ///   current crontab could not be read, in which case the new crontab starts from an empty one.
  /// - Throws: ``ScheduleError`` when `crontab` fails or the managed block is damaged.
  func install(with client: CrontabClient, write: Bool) throws(ScheduleError)
    -> (line: String, crontab: Crontab, changed: Bool, unread: ScheduleError?) {
    let line = try tickLine()
    var current = Crontab()
    var unread: ScheduleError?
    do { current = try client.read() } catch {
      // A dry run shows what would be installed even where `crontab` is missing (a container, a CI runner).
      guard !write else { throw error }
      unread = error
    }
    let updated = try current.installing(try Self.lines(in: current, replacingWith: line))
    if write, updated != current { try client.write(updated) }
    return (line, updated, updated != current, unread)
  }

  /// Takes this project's line out of the managed block (the block goes when it is left empty), or the whole block.
  ///
  /// - Parameters:
  ///   - client: Reads and writes the crontab.
  ///   - all: Remove the whole block, every project's line.
  /// - Returns: Whether anything was removed.
  /// - Throws: ``ScheduleError`` when `crontab` fails or the managed block is damaged.
  func remove(with client: CrontabClient, all: Bool) throws(ScheduleError) -> Bool {
    let current = try client.read()
    var updated = try current.removingManagedBlock()
    if !all {
      let others = try Self.lines(in: current, replacingWith: nil, matching: try tickLine())
      if !others.isEmpty { updated = try current.installing(others) }
    }
    guard updated != current else { return false }
    try client.write(updated)
    return true
  }

  /// The managed block's lines with the project of `matching` (default: `line`) taken out and `line` appended.
  ///
  /// - Parameters:
  ///   - crontab: The current crontab.
  ///   - line: The project's new line, or `nil` to remove it.
  ///   - matching: A line of the project to take out, when `line` is `nil`.
  /// - Throws: ``ScheduleError`` when the crontab's managed block is damaged.
  static func lines(in crontab: Crontab, replacingWith line: String?, matching: String? = nil) throws(ScheduleError) -> [String] {
    let existing = try crontab.managedLines() ?? []
    guard let key = (matching ?? line).flatMap(projectKey) else { return existing + (line.map { [$0] } ?? []) }
    return existing.filter { !$0.contains(key) } + (line.map { [$0] } ?? [])
  }

  /// The part of a tick line that names its project: ` tick --store STORE PIPELINES >> `.
  static func projectKey(of line: String) -> String? {
    guard let start = line.range(of: " tick --store "), let end = line.range(of: " >> ", range: start.upperBound..<line.endIndex)
    else { return nil }
    return String(line[start.lowerBound..<end.upperBound])
  }
}
