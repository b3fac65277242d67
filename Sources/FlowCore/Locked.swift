import Synchronization

/// A value behind the standard library's mutex, in a class so it can be shared by reference: flow's one lock for
/// state shared between tasks and threads (in place of `NSLock` plus `@unchecked Sendable`).
///
/// Critical sections are short (a dictionary lookup, a counter, an append); nothing awaits while holding it.
public final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  public init(_ value: sending Value) { mutex = Mutex(value) }

  /// Runs `body` with the value, exclusively.
  public func withLock<Result>(_ body: (inout sending Value) -> sending Result) -> sending Result {
    mutex.withLock(body)
  }

  /// A copy of the value.
  public var value: Value { mutex.withLock { $0 } }
}
