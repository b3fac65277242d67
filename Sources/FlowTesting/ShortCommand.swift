import Foundation

/// A short program run to its end, for tests that call tools (`ip`, `psql`, `python3`, `chown`).
public enum ShortCommand {
  /// Runs `executable ARGS` with no input and returns its exit status and its output (stdout and stderr together).
  public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }
}
