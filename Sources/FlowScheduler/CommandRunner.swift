import Foundation

/// Runs an external command to completion. ``CrontabClient`` runs `crontab` through one, so tests can
/// substitute a fake.
///
/// Implementations must wait for the command to exit and return everything it wrote, however much.
public protocol CommandRunner: Sendable {
  /// Runs `executable` with `arguments`, feeding it `input` on standard input.
  ///
  /// - Parameters:
  ///   - executable: A path, or a name looked up in `PATH`.
  ///   - arguments: The arguments, not including the executable.
  ///   - input: Bytes for standard input; `nil` gives the command an empty standard input.
  /// - Returns: The exit status and the bytes written to standard output and standard error.
  /// - Throws: ``ScheduleError`` with code ``ScheduleError/Code/commandFailed`` when the command can't be
  ///   found or started (a non-zero exit is a result, not an error).
  func run(_ executable: String, arguments: [String], input: Data?) throws(ScheduleError) -> CommandResult
}

/// What a finished command reported.
public struct CommandResult: Hashable, Sendable {
  /// The exit status; a command killed by a signal reports the signal number.
  public var status: Int32
  /// Everything written to standard output.
  public var standardOutput: Data
  /// Everything written to standard error.
  public var standardError: Data

  /// Creates a result.
  public init(status: Int32, standardOutput: Data = Data(), standardError: Data = Data()) {
    self.status = status
    self.standardOutput = standardOutput
    self.standardError = standardError
  }

  /// Standard output as UTF-8 text (invalid bytes replaced).
  public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
  /// Standard error as UTF-8 text (invalid bytes replaced), without trailing blanks and newlines.
  public var errorText: String {
    var text = String(decoding: standardError, as: UTF8.self)
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
  }
}
