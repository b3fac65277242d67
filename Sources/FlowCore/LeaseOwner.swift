import Foundation

/// The identity of a process that runs executions: `HOST:PID:NONCE`.
public enum LeaseOwner {
  /// A new identity for this process, ending in `name` (colons replaced) or a random suffix.
  public static func current(name: String? = nil) -> String {
    let suffix = name.map { $0.replacingOccurrences(of: ":", with: "-") } ?? UUID().uuidString.prefix(8).lowercased()
    return "\(ProcessInfo.processInfo.hostName):\(getpid()):\(suffix)"
  }

  /// True when `owner` names a process on this machine that has exited: its lease can be taken over at once
  /// instead of waiting for it to run out.
  public static func isDeadLocalProcess(_ owner: String) -> Bool {
    let parts = owner.split(separator: ":")
    guard parts.count == 3, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = pid_t(parts[1]) else {
      return false
    }
    return kill(pid, 0) != 0 && errno == ESRCH
  }
}
