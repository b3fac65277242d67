import Synchronization

/// A value behind the standard library's mutex, in a class so it can be shared by reference: flow's one lock for
/// state shared between tasks and threads (in place of `NSLock` plus `@unchecked Sendable`).
///
/// The value need not be `Sendable` (a database handle, say): it never leaves the lock except as a `sending`
/// result. Critical sections are short, or are the whole point of the lock (one SQLite statement at a time, one
/// commit after another); nothing awaits while holding it.
public final class Locked<Value>: Sendable {
  private let mutex: Mutex<Value>

  public init(_ value: sending Value) { mutex = Mutex(value) }

  /// Runs `body` with the value, exclusively.
  public func withLock<Result, Failure: Error>(
    _ body: (inout sending Value) throws(Failure) -> sending Result
  ) throws(Failure) -> sending Result {
    try mutex.withLock(body)
  }
}

extension Locked where Value: Sendable {
  /// A copy of the value.
  public var value: Value { mutex.withLock { $0 } }
}
