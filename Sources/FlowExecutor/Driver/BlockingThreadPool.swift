import Foundation

/// Threads of their own for work that blocks, as a task executor: a task that prefers it
/// (`Task(executorPreference:)`, `withTaskExecutorPreference`) runs its synchronous parts here instead of on
/// Swift's cooperative pool.
///
/// Store calls block: a commit waits for the disk, and for the commit before it. The cooperative pool has one
/// thread per core (two on a small machine), so two executions waiting for a disk sync stall every other task of
/// the process, the HTTP handlers answering StartExecution included. Executions' store calls (``StoreThreads``)
/// and `flow server`'s executions and actions run here, so they wait on threads of their own and the cooperative
/// pool stays free. Threads
/// start on demand, when a job arrives and none is idle, up to ``maxThreads``, and then stay; the pool lives as
/// long as the process (tasks refer to their executor unowned).
public final class BlockingThreadPool: TaskExecutor, @unchecked Sendable {
  /// The pool of the process.
  public static let shared = BlockingThreadPool(name: "flow-blocking", maxThreads: 64)

  let name: String
  let maxThreads: Int
  // Every mutable property below is guarded by `condition`.
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var head = 0
  private var threads = 0
  private var idle = 0

  init(name: String, maxThreads: Int) {
    self.name = name
    self.maxThreads = max(1, maxThreads)
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    let start = jobs.count - head > idle && threads < maxThreads
    if start { threads += 1 }
    condition.signal()
    let number = threads
    condition.unlock()
    if start {
      let thread = Thread { [self] in work() }
      thread.name = "\(name)-\(number)"
      thread.start()
    }
  }

  private func work() {
    let executor = asUnownedTaskExecutor()
    while true {
      condition.lock()
      while head == jobs.count {
        idle += 1
        condition.wait()
        idle -= 1
      }
      let job = jobs[head]
      head += 1
      if head > 1024 && head * 2 > jobs.count {
        jobs.removeFirst(head)
        head = 0
      }
      condition.unlock()
      job.runSynchronously(on: executor)
    }
  }
}
