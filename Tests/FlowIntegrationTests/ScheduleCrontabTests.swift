import FlowCore
import FlowTesting
import Foundation
import Testing

@testable import FlowStore

/// `flow schedule install|remove` against a fake `crontab` that keeps the table in a file, and once against the
/// real cron daemon.
@Suite struct ScheduleCrontabTests {
  let directory: URL
  let fake: URL
  let table: URL

  init() throws {
    directory = try temporaryDirectory()
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try directory.write("""
      Flow:
        Name: minutely
        Schedule: {Cron: "* * * * *"}
      StartAt: E
      States: {E: {Type: Task, Resource: flow:echo, End: true}}
      """, to: "pipelines/minutely.yaml")
    table = directory.appendingPathComponent("crontab.txt")
    fake = directory.appendingPathComponent("fake-crontab")
    // Behaves like Debian's crontab: `-l` prints the table or fails with "no crontab for USER"; `-` replaces it.
    try directory.write("""
      #!/bin/sh
      case "$1" in
        -l) if [ -f '\(table.path)' ]; then cat '\(table.path)'; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
        -) cat > '\(table.path)' ;;
        *) echo "usage" >&2; exit 2 ;;
      esac
      """, to: "fake-crontab")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
  }

  func flow(_ arguments: [String], in project: URL? = nil) throws -> FlowBinary.Result {
    try FlowBinary.run(arguments + ["--store", ".flow/flow.db", "--crontab-command", fake.path], in: project ?? directory)
  }

  var crontab: String { (try? String(contentsOf: table, encoding: .utf8)) ?? "" }

  @Test func dryRunWorksWithoutACrontabCommand() throws {
    let dry = try FlowBinary.run(["schedule", "install", "--dry-run", "--store", ".flow/flow.db",
                                  "--crontab-command", directory.appendingPathComponent("no-such-crontab").path],
                                 in: directory)
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.stdout.contains("# BEGIN flow managed block"))
    #expect(dry.stdout.contains(" tick --store "))
    #expect(dry.stderr.contains("cannot read your crontab"))
  }

  @Test func installKeepsTheUsersLines_andRemoveRestoresThemByteForByte() throws {
    let users = "MAILTO=me@example.com\r\n# my backups\n0 * * * * /home/me/backup.sh\n\n30 2 * * 1 echo '%weekly%'"
    try users.write(to: table, atomically: true, encoding: .utf8)

    let dry = try flow(["schedule", "install", "--dry-run"])
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(crontab == users, "--dry-run must not write")
    #expect(dry.stdout.contains("# BEGIN flow managed block"))

    let install = try flow(["schedule", "install"])
    #expect(install.status == 0, "\(install.stderr)")
    #expect(crontab.hasPrefix(users + "\n# BEGIN flow managed block"))
    let root = directory.resolvingSymlinksInPath().path
    let managed = crontab.split(separator: "\n").filter { $0.contains(" tick --store ") }
    #expect(managed.count == 1)
    let line = String(try #require(managed.first))
    #expect(line.hasPrefix("* * * * * cd "))
    #expect(line.contains(" && \(URL(fileURLWithPath: FlowBinary.path).resolvingSymlinksInPath().path) tick --store "))
    #expect(line.contains("\(root)/.flow/flow.db") || line.contains("\(directory.path)/.flow/flow.db"))
    #expect(line.hasSuffix("/.flow/tick.log 2>&1"))

    let again = try flow(["schedule", "install"])
    #expect(again.stdout.contains("already in your crontab"))
    #expect(crontab.split(separator: "\n").filter { $0.contains(" tick --store ") }.count == 1)

    let remove = try flow(["schedule", "remove"])
    #expect(remove.status == 0, "\(remove.stderr)")
    #expect(crontab == users + "\n")  // the unterminated last line got its newline when the block was added
    #expect(try flow(["schedule", "remove"]).stdout.contains("nothing to remove"))
  }

  @Test func twoProjectsKeepOneLineEach_andRemoveTakesOnlyItsOwn() throws {
    let other = try temporaryDirectory()
    try FileManager.default.createDirectory(at: other.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    #expect(try flow(["schedule", "install"]).status == 0)
    #expect(try flow(["schedule", "install"], in: other).status == 0)
    #expect(crontab.split(separator: "\n").filter { $0.contains(" tick --store ") }.count == 2)
    #expect(try flow(["schedule", "remove"], in: other).status == 0)
    let left = crontab.split(separator: "\n").filter { $0.contains(" tick --store ") }
    #expect(left.count == 1)
    #expect(left.first?.contains(other.lastPathComponent) == false)
    #expect(try flow(["schedule", "remove", "--all"]).status == 0)
    #expect(crontab.isEmpty)
  }

  @Test func refusesADamagedManagedBlock() throws {
    try "# BEGIN flow managed block (do not edit)\n* * * * * true\n".write(to: table, atomically: true, encoding: .utf8)
    let install = try flow(["schedule", "install"])
    #expect(install.status == 1)
    #expect(install.stderr.contains("[malformed-crontab]"))
    #expect(crontab == "# BEGIN flow managed block (do not edit)\n* * * * * true\n")
  }

  // MARK: - The real cron daemon

  /// Why the real-cron test can't run here, or `nil` when it can.
  static let cronUnavailable: String? = {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    guard paths.contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/crontab") }) else {
      return "no `crontab` command (install Debian's `cron` package)"
    }
    let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    let cronRuns = processes.contains { pid in
      guard Int(pid) != nil, let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return false }
      return ["cron", "crond"].contains(name.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return cronRuns ? nil : "the cron daemon is not running (start it with `service cron start` or `cron`)"
  }()

  /// Installs the tick into the user's real crontab and waits for cron to start the scheduled execution.
  /// The user's crontab is restored afterwards, whatever happens.
  @Test(.enabled(if: cronUnavailable == nil, "skipped: \(cronUnavailable ?? "")"), .timeLimit(.minutes(4)))
  func realCronStartsTheScheduledExecution() async throws {
    let install = try FlowBinary.run(["schedule", "install", "--store", ".flow/flow.db"], in: directory)
    #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
    defer { _ = try? FlowBinary.run(["schedule", "remove", "--store", ".flow/flow.db"], in: directory) }

    let storePath = directory.appendingPathComponent(".flow/flow.db").path
    let deadline = Date().addingTimeInterval(130)
    var found: ExecutionRecord?
    while found == nil, Date() < deadline {
      try await Task.sleep(for: .seconds(2))
      guard FileManager.default.fileExists(atPath: storePath) else { continue }
      found = try SQLiteStore(path: storePath).executions(limit: 5).first { $0.name.hasPrefix("scheduled-") }
    }
    let log = (try? String(contentsOfFile: directory.appendingPathComponent(".flow/tick.log").path, encoding: .utf8)) ?? "(no log)"
    let record = try #require(found, "cron did not start a scheduled execution within 130 s; tick.log:\n\(log)")
    #expect(try SQLiteStore(path: storePath).scheduledTimes(of: [record.id])[record.id] != nil)
  }
}
