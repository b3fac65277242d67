import FlowCore
import FlowExecutor
import Foundation

/// The loop behind `flow worker`: claims runnable executions from the store and runs them in this process, up to
/// ``concurrency`` at once.
///
/// Runnable means `RUNNING` with no live owner: started with `flow run --queue`, handed back by a draining worker,
/// left by a process that died (its lease ran out, or it was a process on this machine that is gone), or a queued child
/// of a Distributed Map. A claim (``ExecutionStore/claimExecutions(owner:limit:until:now:filter:)``) takes several
/// at once in one transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so workers never race for the same one.
///
/// ``stop()`` (SIGTERM, SIGINT) stops claiming and drains: each execution's running steps finish and are
/// committed, none starts, and the execution is handed back (lease released) for another worker to continue at
/// once. What has not drained after ``grace`` is interrupted, and stays resumable.
final class WorkerLoop: Sendable {
  let executor: Executor
  let store: any ScheduleStore
  let concurrency: Int
  /// The pipelines this worker runs, by name; `nil` runs every pipeline.
  let pipelines: Set<String>?
  let grace: Duration
  /// How often the store is asked for runnable executions when nothing else wakes the loop.
  let poll: Duration
  let log: TickLog
  /// Set by ``stop()``; the executor reads it (``ExecutorOptions/handBack``) before each new effect.
  let draining: Locked<Bool>

  private let wakeup = Wakeup()
  private let state = LoopState()

  init(executor: Executor, store: any ScheduleStore, concurrency: Int, pipelines: Set<String>?, grace: Duration,
       poll: Duration, log: TickLog, draining: Locked<Bool>) {
    self.executor = executor
    self.store = store
    self.concurrency = concurrency
    self.pipelines = pipelines
    self.grace = grace
    self.poll = poll
    self.log = log
    self.draining = draining
  }

  /// Asks ``run()`` to drain and stop; safe to call from any thread, any number of times.
  func stop() {
    draining.withLock { $0 = true }
    state.requestStop()
    Task { await wakeup.signal() }
  }

  /// Runs until ``stop()``, then drains.
  func run() async {
    log.say("worker \(executor.owner) started: up to \(concurrency) execution(s) at once")
    while !state.stopRequested {
      let free = concurrency - state.runningTasks().count
      if free > 0 {
        do {
          let claimed = try await StoreThreads.run { [executor, pipelines] in
            let now = Date().timeIntervalSince1970
            return try executor.store.claimExecutions(
              owner: executor.owner, limit: free, until: now + executor.options.leaseSeconds, now: now,
              filter: ClaimFilter(pipelines: pipelines))
          }
          for claim in claimed { launch(claim) }
        } catch {
          log.say("cannot list runnable executions: \(error)")
        }
      }
      await wakeup.wait(timeout: poll)
    }

    let running = state.runningTasks()
    log.say("stopping: \(running.count) execution(s) running; their running steps finish, then they are handed back")
    let deadline = ContinuousClock.now + grace
    while !state.runningTasks().isEmpty, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(20))
    }
    let left = state.runningTasks()
    if !left.isEmpty {
      log.say("grace period over: interrupting \(left.count) execution(s); they stay resumable")
      left.forEach { $0.cancel() }
      for task in left { await task.value }
    }
    log.say("worker stopped")
  }

  private func launch(_ claim: ClaimedExecution) {
    let executor = executor, log = log, wakeup = wakeup, state = state
    let record = claim.record
    state.add(record.id) {
      Task {
        do {
          let final = try await executor.run(claimed: claim)
          log.say("execution \(record.id) (\(record.pipeline)) \(final.status.rawValue)")
        } catch let error as ExecutorError where error.code == .busy {
          // Another worker claimed it first.
        } catch let error as ExecutorError where error.code == .handedBack {
          log.say("execution \(record.id) (\(record.pipeline)) handed back")
        } catch {
          log.say("execution \(record.id) (\(record.pipeline)) stopped: \(error)")
        }
        state.remove(record.id)
        await wakeup.signal()
      }
    }
  }
}
