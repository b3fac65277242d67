import Synchronization

/// A value behind a mutex, in a class so it can be shared by reference.
///
/// Critical sections are short (a dictionary lookup, a counter, an append); nothing awaits while holding it.
final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  init(_ value: sending Value) { mutex = Mutex(value) }

  func withLock<Result>(_ body: (inout sending Value) -> sending Result) -> sending Result {
    mutex.withLock(body)
  }
}
