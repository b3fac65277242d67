import Foundation
import FlowCore
import FlowPostgres

/// Starts `flow resume ID` in the background in a new session (so closing the terminal does not stop it),
/// logging to `logs/ID.log` in the local directory (the store file's, or `.flow` with a PostgreSQL store).
enum Detached {
  /// - Parameters:
  ///   - store: The store (file or PostgreSQL URL) the background process opens.
  ///   - localDirectory: Where its log goes (under `logs/`).
  static func resume(_ id: String, store: String, localDirectory: URL) throws {
    let directory = localDirectory.appendingPathComponent("logs")
    let log = directory.appendingPathComponent(PathComponent.escaped(id) + ".log")
    let handle: FileHandle
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      _ = FileManager.default.createFile(atPath: log.path, contents: nil, attributes: [.posixPermissions: 0o600])
      handle = try FileHandle(forWritingTo: log)
    } catch {
      throw CLIError("cannot create the log file \(log.path): \(FileErrorReason.reason(for: error, path: log.path, writing: true))")
    }
    let flow = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let process = Process()
    // A PostgreSQL URL may hold a password: it goes in the environment, not in arguments anyone can see in `ps`.
    var arguments = ["resume", id]
    if PostgresURL.isPostgresURL(store) {
      var environment = ProcessInfo.processInfo.environment
      environment["FLOW_STORE"] = store
      process.environment = environment
    } else {
      arguments += ["--store", store]
    }
    let setsid = "/usr/bin/setsid"
    if FileManager.default.isExecutableFile(atPath: setsid) {
      process.executableURL = URL(fileURLWithPath: setsid)
      process.arguments = [flow] + arguments
    } else {
      process.executableURL = URL(fileURLWithPath: flow)
      process.arguments = arguments
    }
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }
}
