import FlowCore
import Foundation

/// Runs the built `flow` binary as a separate process, as a user (or CI) would.
public struct FlowBinary {
  /// The package's root folder, found from this file's path.
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
  }()

  /// The `flow` executable built beside the tests.
  public static let path: String = {
    let built = Bundle.main.bundleURL.deletingLastPathComponent()
    // On Linux the test runner is a plain executable, so `Bundle.main.bundleURL` may be the build folder itself.
    for candidate in [Bundle.main.bundleURL.appendingPathComponent("flow"), built.appendingPathComponent("flow"),
                      built.deletingLastPathComponent().appendingPathComponent("flow"),
                      packageRoot.appendingPathComponent(".build/debug/flow")]
    where FileManager.default.isExecutableFile(atPath: candidate.path) {
      return candidate.path
    }
    fatalError("the flow binary is not built: run `swift build` first")
  }()

  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The last line of stdout parsed as JSON.
    public init(status: Int32, stdout: String, stderr: String) {
      self.status = status
      self.stdout = stdout
      self.stderr = stderr
    }
    public var json: JSONValue? {
      stdout.split(separator: "\n").last.flatMap { try? JSONValue(parsing: String($0)) }
    }
  }

  /// Runs `flow ARGS` in `directory` and waits for it.
  @discardableResult
  public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
    let process = try start(arguments, in: directory, environment: environment)
    let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
    // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
    let box = OutputBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      box.err = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                  stderr: String(decoding: box.err, as: UTF8.self))
  }

  /// Starts `flow ARGS` without waiting (stdout and stderr are pipes).
  public static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env.removeValue(forKey: "FLOW_STORE")
    env.merge(environment) { $1 }
    process.environment = env
    process.standardOutput = Pipe()
    process.standardError = Pipe()
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }
}

private final class OutputBox: @unchecked Sendable {
  var err = Data()  // written by one reader before `leave()`, read after `wait()`
}

/// A fresh temporary folder (under the system's temporary directory).
public func temporaryDirectory(_ prefix: String = "flow-test") throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

extension URL {
  /// Writes `text` to the file `name` in this folder.
  public func write(_ text: String, to name: String) throws {
    try text.write(to: appendingPathComponent(name), atomically: true, encoding: .utf8)
  }
}
