import Foundation

/// Runs commands with Foundation's `Process`.
///
/// Standard input, output and error go through temporary files rather than pipes: a command that fills one
/// pipe while we wait on another would deadlock, and files need no reader thread.
///
/// ```swift
/// let result = try ProcessCommandRunner().run("crontab", arguments: ["-l"], input: nil)
/// ```
public struct ProcessCommandRunner: CommandRunner {
  /// The environment of the commands, or `nil` to inherit this process's environment.
  public var environment: [String: String]?

  /// Creates a runner.
  ///
  /// - Parameter environment: The commands' environment; `nil` (the default) inherits this process's.
  public init(environment: [String: String]? = nil) {
    self.environment = environment
  }

  /// Runs the command and waits for it to exit.
  ///
  /// - Parameters:
  ///   - executable: A path, or a name looked up in the `PATH` of ``environment`` (or of this process).
  ///   - arguments: The arguments.
  ///   - input: Bytes for standard input, or `nil` for an empty one.
  /// - Returns: The exit status and output.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/commandFailed`` when the executable is not
  ///   found or can't be started.
  public func run(_ executable: String, arguments: [String], input: Data?) throws(ScheduleError) -> CommandResult {
    let url = try resolve(executable)
    let files = FileManager.default
    let scratch = files.temporaryDirectory.appendingPathComponent("flow-command-\(UUID().uuidString)")
    defer { try? files.removeItem(at: scratch) }
    do {
      try files.createDirectory(at: scratch, withIntermediateDirectories: true)
      let inputURL = scratch.appendingPathComponent("stdin")
      let outputURL = scratch.appendingPathComponent("stdout")
      let errorURL = scratch.appendingPathComponent("stderr")
      try (input ?? Data()).write(to: inputURL)
      try Data().write(to: outputURL)
      try Data().write(to: errorURL)
      let stdin = try FileHandle(forReadingFrom: inputURL)
      let stdout = try FileHandle(forWritingTo: outputURL)
      let stderr = try FileHandle(forWritingTo: errorURL)
      defer {
        try? stdin.close()
        try? stdout.close()
        try? stderr.close()
      }
      let process = Process()
      process.executableURL = url
      process.arguments = arguments
      if let environment { process.environment = environment }
      process.standardInput = stdin
      process.standardOutput = stdout
      process.standardError = stderr
      try process.run()
      process.waitUntilExit()
      return CommandResult(status: process.terminationStatus, standardOutput: try Data(contentsOf: outputURL),
                           standardError: try Data(contentsOf: errorURL))
    } catch {
      throw ScheduleError(.commandFailed, "could not run \(url.path) \(arguments.joined(separator: " "))",
                          underlying: error)
    }
  }

  /// The executable's URL: `executable` itself when it contains a `/`, else the first match on `PATH`.
  func resolve(_ executable: String) throws(ScheduleError) -> URL {
    if executable.contains("/") { return URL(fileURLWithPath: executable) }
    let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") where !directory.isEmpty {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(executable)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw ScheduleError(.commandFailed, "'\(executable)' was not found on PATH (\(path))",
                        hint: executable == "crontab" ? "install cron (Debian: apt-get install cron)" : nil)
  }
}
