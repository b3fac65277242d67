import FlowCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Remembers, in a task's durable checkpoints, the process group of each attempt of a `flow:exec` step, so that
/// a resumed attempt first kills everything an earlier, interrupted attempt left running.
///
/// Why: the parent-death signal reaches only the program flow started, not the processes it started in turn
/// (`(sleep 2; echo charged >> log) &`). Every program runs in a process group of its own; before it runs (it
/// starts stopped), its group id and the group leader's start time (field 22 of `/proc/PID/stat`) are committed
/// as a checkpoint of the task. Each attempt begins by reading those records: a process whose group is a
/// recorded one, and that started no earlier than the recorded leader, belongs to an earlier attempt. The
/// group is sent SIGKILL and the attempt waits until it is gone. A group id cannot be reused while any process
/// is in the group, and a live leader with another start time means the id was reused, so nothing else is killed.
struct ProcessGroupLedger: Sendable {
  let checkpoints: StepCheckpoints
  /// How long to wait for a killed group to disappear before giving up with an error.
  var patience: Duration = .seconds(10)

  private static let field = "ExecProcessGroup"

  /// Durably records `processGroup`, whose leader is running (stopped) now.
  func record(processGroup: pid_t) throws {
    guard let started = Self.stat(of: String(processGroup))?.startTime else { return }
    try checkpoints.save([Self.field: ["Id": .int(Int(processGroup)), "StartTime": .int(started)]])
  }

  /// Kills every process left by an earlier attempt and waits until they are gone.
  /// - Throws: `StepFailure` `Exec.SpawnFailed` when a group does not go away within ``patience``.
  func killLeftovers() async throws {
    let groups: [(id: pid_t, startTime: Int)] = try checkpoints.load().compactMap { value in
      guard let record = value[Self.field], let id = record["Id"]?.intValue,
            let start = record["StartTime"]?.intValue, let pid = pid_t(exactly: id), pid > 1 else { return nil }
      return (pid, start)
    }
    for group in groups {
      let deadline = ContinuousClock.now + patience
      var members = Self.members(of: group.id, startedSince: group.startTime)
      if !members.isEmpty { kill(-group.id, SIGKILL) }
      while !members.isEmpty {
        guard ContinuousClock.now < deadline else {
          throw StepFailure("Exec.SpawnFailed", cause: "processes \(members) of an earlier attempt (process group \(group.id)) did not exit after SIGKILL")
        }
        try await Task.sleep(for: .milliseconds(10))
        members = Self.members(of: group.id, startedSince: group.startTime)
      }
    }
  }

  /// The live (not zombie) processes of group `id` that belong to the group recorded with `startTime`.
  private static func members(of id: pid_t, startedSince startTime: Int) -> [pid_t] {
    let all = processes()
    if let leader = all.first(where: { $0.pid == id }), leader.startTime != startTime { return [] }  // id reused
    return all.filter { $0.group == id && $0.startTime >= startTime && $0.state != "Z" }.map(\.pid)
  }

  private struct ProcessStat {
    var pid: pid_t, state: Substring, group: pid_t, startTime: Int
  }

  /// Every process in `/proc`, read from `/proc/PID/stat`.
  private static func processes() -> [ProcessStat] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return names.compactMap(stat(of:))
  }

  /// The process `name` (a process id), read from `/proc/PID/stat`, or `nil` when there is none.
  private static func stat(of name: String) -> ProcessStat? {
    guard let pid = pid_t(name), let text = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    // After "PID (comm)": field 3 (state) is at index 0, field 5 (pgrp) at 2, field 22 (starttime) at 19.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let group = pid_t(fields[2]), let start = Int(fields[19]) else { return nil }
    return ProcessStat(pid: pid, state: fields[0], group: group, startTime: start)
  }
}
