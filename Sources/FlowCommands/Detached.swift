import Foundation
import FlowCore

/// Starts `flow resume ID` in the background in a new session (so closing the terminal does not stop it),
/// logging to the store's `logs/ID.log`.
enum Detached {
  static func resume(_ id: String, storePath: String) throws {
    let directory = URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("logs")
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
    let setsid = "/usr/bin/setsid"
    if FileManager.default.isExecutableFile(atPath: setsid) {
      process.executableURL = URL(fileURLWithPath: setsid)
      process.arguments = [flow, "resume", id, "--store", storePath]
    } else {
      process.executableURL = URL(fileURLWithPath: flow)
      process.arguments = ["resume", id, "--store", storePath]
    }
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }
}
