import FlowCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program in its own process group, feeding stdin and collecting stdout and stderr.
/// Cancelling the calling task kills the whole group.
enum ChildProcess {
  struct Output: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    var stdoutOverflowed: Bool
  }

  static func run(_ command: [String], environment: [String: String], workingDirectory: String?,
                  stdin input: [UInt8], maxStdout: Int) async throws -> Output {
    let program = try resolve(command[0], path: environment["PATH"] ?? "/usr/bin:/bin", workingDirectory: workingDirectory)
    let launched = PIDBox()
    return try await withTaskCancellationHandler {
      let output = try await withCheckedThrowingContinuation { (done: CheckedContinuation<Output, any Error>) in
        // Spawned and reaped on one dedicated thread: the child's parent-death signal is tied to the spawning
        // thread, so the program dies with this process (a killed flow leaves no orphaned step behind).
        Thread.detachNewThread {
          do {
            let child = try spawn([program] + command.dropFirst(), environment: environment, workingDirectory: workingDirectory)
            launched.set(child.pid)
            done.resume(returning: collect(child, input: input, maxStdout: maxStdout))
          } catch {
            done.resume(throwing: error)
          }
        }
      }
      try Task.checkCancellation()
      return output
    } onCancel: {
      if let pid = launched.get() { kill(-pid, SIGKILL) }
    }
  }

  /// The program's path: as given when it contains a slash, else the first match on PATH.
  private static func resolve(_ name: String, path: String, workingDirectory: String?) throws -> String {
    let manager = FileManager.default
    if name.contains("/") {
      let full = name.hasPrefix("/") ? name : ((workingDirectory ?? manager.currentDirectoryPath) as NSString).appendingPathComponent(name)
      if manager.isExecutableFile(atPath: full) { return full }
    } else {
      for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if manager.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    throw StepFailure("Exec.CommandNotFound", cause: "cannot run '\(name)': program not found or not executable")
  }

  /// `setpriv --pdeathsig KILL` (util-linux) makes the program die when flow dies.
  private static let deathSignalWrapper: [String] = {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") ? ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] : []
  }()

  struct Spawned: Sendable {
    var pid: pid_t
    var stdin: Int32, stdout: Int32, stderr: Int32
  }

  private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
  /// glibc's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module does not export.
  private static let addChdir: AddChdir? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
  }()

  private static func spawn(_ command: [String], environment: [String: String], workingDirectory: String?) throws -> Spawned {
    var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
    guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
      throw StepFailure("Exec.SpawnFailed", cause: "cannot create pipes: \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    if let workingDirectory {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw StepFailure("Exec.SpawnFailed", cause: "WorkingDirectory '\(workingDirectory)' is not a directory")
      }
      guard let addChdir = Self.addChdir else {
        throw StepFailure("Exec.SpawnFailed", cause: "this C library cannot set a child's working directory")
      }
      _ = addChdir(&actions, workingDirectory)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, so that a timeout can kill the program and everything it started.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    let argv = (deathSignalWrapper + command).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, deathSignalWrapper.first ?? command[0], &actions, &attributes, argv, envp)
    close(inPipe[0])
    close(outPipe[1])
    close(errPipe[1])
    guard rc == 0 else {
      close(inPipe[1])
      close(outPipe[0])
      close(errPipe[0])
      let reason = rc == ENOENT ? "program not found" : String(cString: strerror(rc))
      throw StepFailure("Exec.CommandNotFound", cause: "cannot run '\(command[0])': \(reason)")
    }
    return Spawned(pid: pid, stdin: inPipe[1], stdout: outPipe[0], stderr: errPipe[0])
  }

  /// Blocking: writes stdin, drains stdout and stderr on their own threads, and reaps the process.
  private static func collect(_ child: Spawned, input: [UInt8], maxStdout: Int) -> Output {
    let group = DispatchGroup()
    let box = OutputBox()
    group.enter()
    Thread.detachNewThread {
      box.stdout = drain(child.stdout, limit: maxStdout, overflowed: &box.overflowed)
      group.leave()
    }
    group.enter()
    Thread.detachNewThread {
      var ignored = false
      box.stderr = drain(child.stderr, limit: 4 * 1024 * 1024, overflowed: &ignored)
      group.leave()
    }
    signal(SIGPIPE, SIG_IGN)  // a program that ignores its stdin must not kill us
    input.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = write(child.stdin, buffer.baseAddress! + offset, buffer.count - offset)
        if n <= 0 { break }
        offset += n
      }
    }
    close(child.stdin)
    group.wait()
    var status: Int32 = 0
    while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
    let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Output(status: exit, stdout: box.stdout, stderr: box.stderr, stdoutOverflowed: box.overflowed)
  }

  private static func drain(_ fd: Int32, limit: Int, overflowed: inout Bool) -> [UInt8] {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      if data.count + n > limit {
        overflowed = true
        data.append(contentsOf: chunk[0..<max(0, limit - data.count)])
      } else {
        data.append(contentsOf: chunk[0..<n])
      }
    }
    close(fd)
    return data
  }
}

/// Results of the reader threads; each field is written by one thread before `group.leave()` and read after `wait()`.
private final class OutputBox: @unchecked Sendable {
  var stdout: [UInt8] = []
  var stderr: [UInt8] = []
  var overflowed = false
}

/// The spawned process id, set by the spawning thread and read by the cancellation handler.
private final class PIDBox: @unchecked Sendable {
  private let lock = NSLock()
  private var pid: pid_t?  // guarded by lock
  func set(_ value: pid_t) { lock.withLock { pid = value } }
  func get() -> pid_t? { lock.withLock { pid } }
}
