import FlowCore

/// One state's progress in an execution, read from its typed history: what `flow status ID` shows.
public struct StateSummary: Sendable, Equatable {
  public var name: String
  /// The state type (`Task`, `Map`, …).
  public var type: String
  public var entered = 0
  public var exited = 0
  /// Task attempts started.
  public var attempts = 0
  public var failures = 0
  public var firstEntered: Double = 0
  /// Time spent in the state, over all its visits.
  public var seconds: Double = 0
  public var status: Status = .running

  public enum Status: String, Sendable { case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED" }

  private var lastEntered: Double = 0
  /// Visits abandoned by a failed run that a redrive re-ran.
  private var abandoned = 0

  init(name: String, type: String, firstEntered: Double) {
    self.name = name
    self.type = type
    self.firstEntered = firstEntered
  }

  /// Per state name, in order of first entry; Map iterations of the same state add up. A state whose every visit
  /// exited succeeded; one left open is running while the execution runs, and failed once it has ended. A redrive
  /// closes the visits of the failed run, so a state that succeeded when redriven shows SUCCEEDED.
  public static func summarize(_ events: [HistoryEvent], running: Bool) -> [StateSummary] {
    var order: [String] = []
    var byName: [String: StateSummary] = [:]
    var openTask: [String] = []
    for event in events {
      let name = event.name ?? ""
      if event.type.isStateEntered, let type = event.type.stateType {
        if byName[name] == nil {
          order.append(name)
          byName[name] = StateSummary(name: name, type: type, firstEntered: event.timestamp)
        }
        byName[name]!.entered += 1
        byName[name]!.lastEntered = event.timestamp
        if type == "Task" { openTask.append(name) }
      } else if event.type.isStateExited, byName[name] != nil {
        byName[name]!.exited += 1
        byName[name]!.seconds += event.timestamp - byName[name]!.lastEntered
        if let index = openTask.lastIndex(of: name) { openTask.remove(at: index) }
      } else if event.type == .taskStarted, let last = openTask.last {
        byName[last]!.attempts += 1
      } else if event.type == .taskFailed || event.type == .taskTimedOut, let last = openTask.last {
        byName[last]!.failures += 1
      } else if event.type == .executionRedriven {
        for key in byName.keys { byName[key]!.abandoned = byName[key]!.entered - byName[key]!.exited }
      }
    }
    return order.map { name in
      var summary = byName[name]!
      let open = summary.entered - summary.exited - summary.abandoned
      summary.status = open <= 0 && summary.exited > 0 ? .succeeded : (running ? .running : .failed)
      return summary
    }
  }
}
