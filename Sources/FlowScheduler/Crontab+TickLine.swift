import Foundation

extension Crontab {
  /// The cron line that runs `flow tick` for a project, with absolute paths so it works in cron's minimal
  /// environment (no `PATH` beyond `/usr/bin:/bin`, `HOME` as the working directory).
  ///
  /// ```swift
  /// try Crontab.tickLine(workingDirectory: "/srv/ml", flowExecutable: "/usr/local/bin/flow",
  ///                      store: "/srv/ml/.flow/flow.db", pipelinesDirectory: "/srv/ml/pipelines",
  ///                      log: "/srv/ml/.flow/tick.log")
  /// // * * * * * cd /srv/ml && /usr/local/bin/flow tick --store /srv/ml/.flow/flow.db /srv/ml/pipelines >> /srv/ml/.flow/tick.log 2>&1
  /// ```
  ///
  /// The default schedule is every minute, and that is the recommended line: cron reads its fields in the
  /// *system's* time zone, while each pipeline's `Cron` is in its own `Timezone`, so cron can't fire the
  /// pipelines' slots itself. A tick every minute lets `flow tick` decide what is due in each pipeline's zone
  /// (with its DST rules), catches a missed minute on the next one, and needs one line per project however
  /// many pipelines it has. A tick with nothing due costs one short process.
  ///
  /// Paths that need it are single-quoted for the shell, and `%` is written `\%`, since cron would otherwise
  /// turn it into a newline.
  ///
  /// - Parameters:
  ///   - cron: The line's schedule, in system time; `* * * * *` by default.
  ///   - workingDirectory: The project directory, where the tick runs.
  ///   - flowExecutable: The `flow` binary.
  ///   - store: The SQLite store, or a PostgreSQL server's `postgresql://` URL.
  ///   - pipelinesDirectory: The directory of pipeline files to tick.
  ///   - log: The file the tick's output is appended to.
  /// - Returns: One crontab line, without a newline.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/invalidValue`` when a path is not absolute or
  ///   contains a line break, or ``ScheduleError/Code/invalidCron`` when `cron` doesn't parse.
  public static func tickLine(
    cron: String = "* * * * *", workingDirectory: String, flowExecutable: String, store: String,
    pipelinesDirectory: String, log: String
  ) throws(ScheduleError) -> String {
    _ = try CronExpression(cron)
    let paths = [("working directory", workingDirectory), ("flow executable", flowExecutable), ("store", store),
                 ("pipelines directory", pipelinesDirectory), ("log", log)]
    for (name, path) in paths {
      // The store may also be a PostgreSQL server's URL.
      guard path.hasPrefix("/") || (name == "store" && (path.hasPrefix("postgresql://") || path.hasPrefix("postgres://"))) else {
        throw ScheduleError(.invalidValue, "the \(name) path must be absolute for cron, found '\(path)'")
      }
      guard !path.contains(where: \.isNewline) else {
        throw ScheduleError(.invalidValue, "the \(name) path contains a line break: \(path.debugDescription)")
      }
    }
    let command = "cd \(quoted(workingDirectory)) && \(quoted(flowExecutable)) tick --store \(quoted(store)) "
      + "\(quoted(pipelinesDirectory)) >> \(quoted(log)) 2>&1"
    return "\(cron) \(command.replacingOccurrences(of: "%", with: "\\%"))"
  }

  /// `path` as one shell word: unchanged when it holds only safe characters, single-quoted otherwise.
  static func quoted(_ path: String) -> String {
    let safe = path.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+,:@=".unicodeScalars.contains(scalar))
    }
    return safe ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
