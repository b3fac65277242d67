#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
// A GNU extension Glibc's module map leaves out (it needs _GNU_SOURCE); its arguments are a thread handle and a pointer,
// which the Swift and C calling conventions pass alike.
@_silgen_name("pthread_getattr_np")
private func pthreadGetattrNP(_ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#endif

/// Knows where the current thread's stack ends, so deep recursion fails with an error instead of a crash.
///
/// The parser and evaluator are recursive; the depth limits bound them for ordinary threads, and this guard also
/// covers callers on small secondary-thread stacks (512 KiB is common), whatever the depth limit is set to.
struct StackGuard {
  /// The lowest address the recursion may reach (stacks grow downwards on every supported platform).
  let limit: UInt

  /// Measures the current thread's stack, keeping `reserve` bytes untouched at its end.
  init(reserve: UInt = 96 * 1024) {
    var low: UInt = 0
    #if canImport(Glibc)
    var attr = pthread_attr_t()
    if pthreadGetattrNP(pthread_self(), &attr) == 0 {
      var address: UnsafeMutableRawPointer?
      var size = 0
      if pthread_attr_getstack(&attr, &address, &size) == 0, let address {
        low = UInt(bitPattern: address)
      }
      pthread_attr_destroy(&attr)
    }
    #elseif canImport(Darwin)
    let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
    low = top - UInt(pthread_get_stacksize_np(pthread_self()))
    #endif
    limit = low == 0 ? 0 : low + reserve
  }

  /// Whether the stack still has room for another level of recursion.
  @inline(__always)
  func hasRoom() -> Bool {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > limit
  }
}
