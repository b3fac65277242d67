import FlowCore
import Dispatch

/// Splits work over the machine's cores with `DispatchQueue.concurrentPerform`.
///
/// Results never depend on how work is split: every caller either writes disjoint ranges or
/// reduces per-chunk partial results in chunk order, so training is deterministic on any core count.
enum Parallel {
  /// Number of worker threads to use (the active processor count, at least 1).
  static let threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// Calls `body` with disjoint, contiguous ranges that together cover `0..<count`.
  /// Small jobs (less than `minimumPerChunk` items per chunk) run inline.
  static func forEachChunk(_ count: Int, minimumPerChunk: Int = 1,
                           _ body: (Range<Int>) -> Void) {
    let chunks = chunkCount(count, minimumPerChunk: minimumPerChunk)
    if chunks <= 1 {
      if count > 0 { body(0..<count) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedBox(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        box.value(range(of: chunk, in: chunks, count: count))
      }
    }
  }

  /// Number of chunks `forEachChunk` uses for `count` items.
  static func chunkCount(_ count: Int, minimumPerChunk: Int = 1) -> Int {
    max(1, min(threads, count / max(1, minimumPerChunk)))
  }

  /// The `chunk`-th of `chunks` contiguous ranges covering `0..<count`.
  static func range(of chunk: Int, in chunks: Int, count: Int) -> Range<Int> {
    (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
  }

  /// Runs `body(i)` for every `i` in `0..<count`, spread over the cores (dynamic scheduling).
  static func forEach(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 || threads == 1 {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let box = UncheckedBox(body)
      DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
    }
  }
}

/// Carries a closure into `concurrentPerform`. The closures passed to ``Parallel`` write only
/// disjoint memory (or their own partial results), which is what makes this sound.
private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

import Foundation

extension Parallel {
  /// Calls `body` with consecutive ranges of at most `size` items covering `0..<count`, spread over the cores.
  /// The ranges don't depend on the core count, so per-range results can be reduced deterministically.
  static func forChunks(_ count: Int, size: Int, _ body: (Range<Int>) -> Void) {
    let chunks = (count + size - 1) / size
    forEach(chunks) { chunk in body((chunk * size)..<min(count, (chunk + 1) * size)) }
  }
}

/// A thread-safe counter (for progress reports from parallel work).
final class Counter: Sendable {
  private let count = Locked(0)
  /// Adds one and returns the new count.
  @discardableResult func increment() -> Int {
    count.withLock { count in
      count += 1
      return count
    }
  }
  var value: Int { count.value }
}
