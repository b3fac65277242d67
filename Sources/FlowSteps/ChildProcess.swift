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

  /// Runs `command` to completion.
  ///
  /// The program starts stopped; `ledger` durably records its process group before it runs on, so that a later
  /// attempt can kill whatever this one left behind (see ``ProcessGroupLedger``).
  static func run(_ command: [String], environment: [String: String], workingDirectory: String?,
                  stdin input: [UInt8], maxStdout: Int, ledger: ProcessGroupLedger? = nil) async throws -> Output {
    let program = try resolve(command[0], path: environment["PATH"] ?? "/usr/bin:/bin", workingDirectory: workingDirectory)
    // The spawned process id, set by the spawning thread and read by the cancellation handler.
    let launched = Locked<pid_t?>(nil)
    return try await withTaskCancellationHandler {
      let output = try await withCheckedThrowingContinuation { (done: CheckedContinuation<Output, any Error>) in
        // Spawned and reaped on one dedicated thread: the child's parent-death signal is tied to the spawning
        // thread, so the program dies with this process (a killed flow leaves no orphaned step behind).
        Thread.detachNewThread {
          do {
            let child = try spawn([program] + command.dropFirst(), environment: environment, workingDirectory: workingDirectory)
            launched.withLock { $0 = child.pid }
            if let exited = try release(child, ledger: ledger) {
              done.resume(returning: exited)
            } else {
              done.resume(returning: collect(child, input: input, maxStdout: maxStdout))
            }
          } catch {
            done.resume(throwing: error)
          }
        }
      }
      // A program that exited 0 finished its work, even if the step was cancelled as it did (Ctrl-C during the
      // grace of `StepProcessGroups.interrupt`): its result is kept. Any other ending of a cancelled step is
      // the cancellation's doing, not the program's failure.
      if Task.isCancelled && output.status != 0 { throw CancellationError() }
      return output
    } onCancel: {
      if let pid = launched.value { StepProcessGroups.cancel(pid) }
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

  private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later).
  private static let addCloseFrom: AddCloseFrom? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
  }()

  private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
  /// `pipe2`, which Swift's Glibc module does not export.
  private static let pipe2: Pipe2? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pipe2") else { return nil }
    return unsafeBitCast(symbol, to: Pipe2.self)
  }()

  /// Serialises pipe creation with spawning where `pipe2` is missing, so no child inherits a pipe in the
  /// moment between `pipe` and `fcntl(FD_CLOEXEC)`.
  private static let spawnLock = Locked(())

  /// A pipe whose both ends are close-on-exec: a concurrently spawned sibling must never inherit the write end
  /// of another step's stdin, or that step never sees end-of-file.
  private static func closeOnExecPipe() throws -> [Int32] {
    var fds: [Int32] = [-1, -1]
    let rc = fds.withUnsafeMutableBufferPointer { buffer -> Int32 in
      if let pipe2 { return pipe2(buffer.baseAddress!, O_CLOEXEC) }
      guard pipe(buffer.baseAddress!) == 0 else { return -1 }
      _ = fcntl(buffer[0], F_SETFD, FD_CLOEXEC)
      _ = fcntl(buffer[1], F_SETFD, FD_CLOEXEC)
      return 0
    }
    guard rc == 0 else { throw StepFailure("Exec.SpawnFailed", cause: "cannot create pipes: \(String(cString: strerror(errno)))") }
    return fds
  }

  /// The shell prologue every program starts behind: it stops itself, so that flow can record its process group
  /// before the program runs, and then becomes the program (`exec`, same process id).
  private static let stopWrapper = ["/bin/sh", "-c", "kill -STOP $$ && exec \"$@\"", "flow-step"]

  private static func spawn(_ command: [String], environment: [String: String], workingDirectory: String?) throws -> Spawned {
    guard pipe2 == nil else { return try spawnHoldingPipes(command, environment: environment, workingDirectory: workingDirectory) }
    return try spawnLock.withLock { _ throws in
      try spawnHoldingPipes(command, environment: environment, workingDirectory: workingDirectory)
    }
  }

  private static func spawnHoldingPipes(_ command: [String], environment: [String: String], workingDirectory: String?) throws -> Spawned {
    let inPipe = try closeOnExecPipe()
    let outPipe: [Int32], errPipe: [Int32]
    do {
      outPipe = try closeOnExecPipe()
      do { errPipe = try closeOnExecPipe() } catch { (inPipe + outPipe).forEach { _ = close($0) }; throw error }
    } catch { inPipe.forEach { _ = close($0) }; throw error }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on 0, 1 and 2; every other descriptor is closed (close-on-exec, and closefrom
    // for any a library opened without it): the program gets exactly stdin, stdout and stderr.
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    if let addCloseFrom { _ = addCloseFrom(&actions, 3) }
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
    // Flow's threads block most signals and flow ignores SIGPIPE; both would be inherited through exec, so the
    // program starts with an empty signal mask and every signal at its default action.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    // glibc's sigfillset leaves out its two internal signals (32 and 33), and posix_spawn then sets them to
    // SIG_IGN in the child; naming them here gives the program their default action too, as a shell would.
    allSignals.__val.0 |= (1 << 31) | (1 << 32)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)

    let argv = (deathSignalWrapper + stopWrapper + command).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, deathSignalWrapper.first ?? stopWrapper[0], &actions, &attributes, argv, envp)
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

  /// Waits for the stopped program, records its process group in `ledger`, and lets it run on.
  /// - Returns: the output when the program ended before it stopped (nothing more to collect), else `nil`.
  private static func release(_ child: Spawned, ledger: ProcessGroupLedger?) throws -> Output? {
    var status: Int32 = 0
    while waitpid(child.pid, &status, WUNTRACED) == -1 && errno == EINTR {}
    guard (status & 0xff) == 0x7f else {  // not stopped: the wrapper itself failed or was killed
      [child.stdin, child.stdout, child.stderr].forEach { _ = close($0) }
      let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
      return Output(status: exit, stdout: [], stderr: Array("the program was stopped before it started".utf8), stdoutOverflowed: false)
    }
    do {
      try ledger?.record(processGroup: child.pid)
    } catch {
      kill(-child.pid, SIGKILL)
      while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
      [child.stdin, child.stdout, child.stderr].forEach { _ = close($0) }
      throw StepFailure("Exec.SpawnFailed", cause: "cannot record the program's process group: \(error)")
    }
    guard StepProcessGroups.admit(child.pid) else {
      // flow is being interrupted: the program never runs.
      kill(-child.pid, SIGKILL)
      while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
      [child.stdin, child.stdout, child.stderr].forEach { _ = close($0) }
      return Output(status: 128 + SIGKILL, stdout: [], stderr: Array("flow was interrupted before the program started".utf8),
                    stdoutOverflowed: false)
    }
    kill(child.pid, SIGCONT)
    return nil
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
    StepProcessGroups.remove(child.pid)
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
