import Foundation
import Synchronization
import Testing
@testable import FlowScheduler

/// A `crontab` stand-in: a shell script in a temporary directory that keeps the "installed" crontab in a file,
/// answering `-l` and `-` like Debian's crontab (including "no crontab for USER" when there is none).
struct FakeCrontab: ~Copyable {
  let directory: URL
  var script: URL { directory.appendingPathComponent("crontab") }
  var storage: URL { directory.appendingPathComponent("installed") }

  init(installed: String? = nil, failWrites: Bool = false) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-crontab-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let write = failWrites ? "echo \"crontab: errors in crontab file, can't install\" >&2; exit 1" : "cat > '\(storage.path)'"
    let text = """
      #!/bin/sh
      case "$1" in
        -l) if [ -f '\(storage.path)' ]; then cat '\(storage.path)'; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
        -) \(write) ;;
        *) echo "usage: crontab [-l | -]" >&2; exit 2 ;;
      esac

      """
    try Data(text.utf8).write(to: script)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    if let installed { try Data(installed.utf8).write(to: storage) }
  }

  var installed: String? {
    (try? Data(contentsOf: storage)).map { String(decoding: $0, as: UTF8.self) }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Records commands and answers them from a script, without starting processes.
final class RecordingRunner: CommandRunner {
  let calls = Mutex<[[String]]>([])
  let answer: @Sendable ([String]) -> CommandResult

  init(answer: @escaping @Sendable ([String]) -> CommandResult) { self.answer = answer }

  func run(_ executable: String, arguments: [String], input: Data?) throws(ScheduleError) -> CommandResult {
    calls.withLock { $0.append([executable] + arguments) }
    return answer(arguments)
  }
}

@Suite struct CrontabClientTests {
  static let line = "* * * * * cd /w && /f tick --store /s /p >> /l 2>&1"

  @Test func roundTrip_throughAFakeCrontabCommand() throws {
    let fake = try FakeCrontab()
    let client = CrontabClient(executable: fake.script.path)
    #expect(try client.read() == Crontab())

    let installed = try client.install([Self.line], note: "/w")
    #expect(installed.before.text.isEmpty)
    #expect(fake.installed == "# BEGIN flow managed block (do not edit) /w\n\(Self.line)\n# END flow managed block\n")
    #expect(try client.read() == installed.after)

    try client.removeManagedBlock()
    #expect(fake.installed == "")
  }

  @Test func install_keepsTheUsersOtherLines() throws {
    let mine = "MAILTO=me\n# nightly backup\n30 1 * * * /home/me/backup.sh --all\n\n"
    let fake = try FakeCrontab(installed: mine)
    let client = CrontabClient(executable: fake.script.path)
    try client.install([Self.line])
    try client.install([Self.line, "0 * * * * echo second"])
    #expect(fake.installed == mine + "# BEGIN flow managed block (do not edit)\n\(Self.line)\n0 * * * * echo second\n# END flow managed block\n")
    try client.removeManagedBlock()
    #expect(fake.installed == mine)
  }

  @Test func writeFailure_isReportedWithCrontabsMessage() throws {
    let fake = try FakeCrontab(failWrites: true)
    #expect {
      try CrontabClient(executable: fake.script.path).install([Self.line])
    } throws: { error in
      let error = error as! ScheduleError
      return error.code == .commandFailed && error.message.hasSuffix("failed with status 1: crontab: errors in crontab file, can't install")
    }
  }

  @Test func missingExecutable_isACommandFailure() {
    #expect {
      try CrontabClient(executable: "flow-no-such-crontab", runner: ProcessCommandRunner(environment: ["PATH": "/nonexistent"])).read()
    } throws: { error in
      let error = error as! ScheduleError
      return error.code == .commandFailed && error.message == "'flow-no-such-crontab' was not found on PATH (/nonexistent)"
    }
  }

  @Test func findsTheExecutableOnPath() throws {
    let fake = try FakeCrontab(installed: "0 0 * * * x\n")
    let client = CrontabClient(runner: ProcessCommandRunner(environment: ["PATH": "/nonexistent:\(fake.directory.path):/usr/bin:/bin"]))
    #expect(try client.read().text == "0 0 * * * x\n")
  }

  @Test func unchangedCrontab_isNotRewritten() throws {
    let current = try Crontab("a\n").installing([Self.line])
    let runner = RecordingRunner { arguments in
      CommandResult(status: 0, standardOutput: arguments == ["-l"] ? Data(current.text.utf8) : Data())
    }
    let client = CrontabClient(runner: runner)
    try client.install([Self.line])
    try client.removeManagedBlock()
    #expect(runner.calls.withLock { $0 } == [["crontab", "-l"], ["crontab", "-l"], ["crontab", "-"]])
  }

  @Test func readFailureOtherThanNoCrontab_isAnError() {
    let runner = RecordingRunner { _ in CommandResult(status: 1, standardError: Data("crontab: your UID isn't in the passwd file\n".utf8)) }
    #expect {
      try CrontabClient(runner: runner).read()
    } throws: { error in
      (error as! ScheduleError).message == "`crontab -l` failed with status 1: crontab: your UID isn't in the passwd file"
    }
  }

  @Test func processRunner_passesInputAndCollectsLargeOutput() throws {
    // 1 MB through stdin and back out on stdout and stderr at once: more than a pipe buffer holds.
    let input = Data(String(repeating: "0123456789abcdef", count: 65_536).utf8)
    let result = try ProcessCommandRunner().run("/bin/sh", arguments: ["-c", "tee /dev/stderr; exit 3"], input: input)
    #expect(result.status == 3)
    #expect(result.standardOutput == input)
    #expect(result.standardError == input)
  }
}
