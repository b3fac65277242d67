import Foundation
import Testing
@testable import FlowExecutor

/// The threads for blocking work: tasks that prefer them block there, not on the cooperative pool.
@Suite struct BlockingThreadPoolTests {
  /// A barrier for `parties` threads that gives up after 30 s (false) rather than hang the test run.
  final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    let parties: Int
    init(parties: Int) { self.parties = parties }

    func arriveAndWait() -> Bool {
      condition.lock()
      defer { condition.unlock() }
      arrived += 1
      condition.broadcast()
      let deadline = Date().addingTimeInterval(30)
      while arrived < parties {
        if !condition.wait(until: deadline) { return false }
      }
      return true
    }
  }

  @Test func moreTasksThanCoresCanBlockAtOnce() async {
    // Each task blocks its thread until all have arrived: on the cooperative pool (a thread per core) the later
    // ones could not start while the first ones block; on the pool each gets a thread.
    let parties = ProcessInfo.processInfo.activeProcessorCount * 4
    let pool = BlockingThreadPool(name: "test-pool", maxThreads: parties)
    let barrier = Barrier(parties: parties)
    let tasks = (0..<parties).map { _ in Task(executorPreference: pool) { barrier.arriveAndWait() } }
    var arrived: [Bool] = []
    for task in tasks { arrived.append(await task.value) }
    #expect(arrived == Array(repeating: true, count: parties))
  }
}
