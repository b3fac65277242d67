import FlowCore

/// An execution built but not yet stored (``Executor/prepare(_:input:name:parentId:)``): its record, with the lease
/// held by the executor that built it, its `ExecutionStarted` event and its root scope.
public struct NewExecution: Sendable {
  public let record: ExecutionRecord
  public let started: HistoryEvent
  public let root: ScopeRecord
}

/// Calls a callback at most once, whichever caller comes first.
final class CallOnce: Sendable {
  private let callback: Locked<(@Sendable ((any Error)?) -> Void)?>

  init(_ callback: @escaping @Sendable ((any Error)?) -> Void) { self.callback = Locked(callback) }

  func call(_ error: (any Error)?) {
    let pending = callback.withLock { callback in
      defer { callback = nil }
      return callback
    }
    pending?(error)
  }
}
