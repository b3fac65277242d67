import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation

/// The long-running scheduler behind `flow scheduler`: sleeps until the next slot of any pipeline, fires it with
/// ``ScheduleTicker`` (the code of `flow tick`), and runs the executions it starts in this process.
///
/// - At start it resumes the scheduled executions left `RUNNING` with no live owner; with ``resumeAll`` every
///   top-level one (a manual `flow run` of another pipeline too, whose finished side effects may then run again).
/// - It wakes at the next slot, at least once a minute (to notice clock changes and edited pipeline files, which
///   it reloads on every wake), and whenever one of its executions ends (so a queued slot starts at once).
/// - ``stop()`` (SIGTERM, SIGINT) stops firing, cancels the running executions — each stops after the commit it
///   is making and stays resumable, its lease released so the next scheduler or tick resumes it at once —
///   waits up to ``grace`` for them, and returns.
final class SchedulerLoop: Sendable {
  let directory: String
  let loader: PipelineLoader
  let ticker: ScheduleTicker
  /// How long ``run()`` waits for cancelled executions to wind down after ``stop()``.
  let grace: Duration
  /// The longest sleep between two ticks.
  let maximumSleep: Duration
  /// Whether to resume, at start, interrupted executions the scheduler didn't start.
  let resumeAll: Bool

  private let wakeup = Wakeup()
  private let state = LoopState()

  init(directory: String, loader: PipelineLoader, ticker: ScheduleTicker, grace: Duration = .seconds(10),
       maximumSleep: Duration = .seconds(60), resumeAll: Bool = false) {
    self.resumeAll = resumeAll
    self.directory = directory
    self.loader = loader
    self.ticker = ticker
    self.grace = grace
    self.maximumSleep = maximumSleep
  }

  private var log: TickLog { ticker.log }

  /// Asks ``run()`` to stop; safe to call from any thread, any number of times.
  func stop() {
    state.requestStop()
    Task { await wakeup.signal() }
  }

  /// Runs until ``stop()``.
  /// - Throws: ``CLIError`` when the pipelines directory can't be read at start.
  func run() async throws {
    let store = ticker.store
    log.say("scheduler started (pid \(getpid())): pipelines in \(directory)")
    _ = try ScheduledPipeline.load(from: directory, loader: loader)
    do {
      for record in try store.orphanedExecutions(now: Date().timeIntervalSince1970, scheduledOnly: !resumeAll) {
        launch(record.id, pipeline: nil, resumed: true)
      }
    } catch {
      log.say("cannot list interrupted executions: \(error)")
    }

    var lastProblems: [String] = []
    while !state.stopRequested {
      let pipelines: [ScheduledPipeline]
      do {
        let loaded = try ScheduledPipeline.load(from: directory, loader: loader)
        pipelines = loaded.pipelines
        if loaded.problems != lastProblems { loaded.problems.forEach { log.say($0) } }
        lastProblems = loaded.problems
      } catch {
        log.say("\(error)")
        pipelines = []
      }
      let report = ticker.tick(pipelines, now: Date())
      guard !state.stopRequested else { break }
      for (record, pipeline) in report.started { launch(record.id, pipeline: pipeline, resumed: false) }
      for record in report.orphaned where !state.isRunning(record.id) { launch(record.id, pipeline: nil, resumed: true) }

      var sleep = maximumSleep
      if let next = report.nextFire {
        // A little past the slot, so the wall clock has reached it when the tick reads it.
        let seconds = next.timeIntervalSinceNow + 0.05
        sleep = min(sleep, .milliseconds(Int64(max(seconds, 0) * 1000)))
      }
      await wakeup.wait(timeout: sleep)
    }

    let running = state.runningTasks()
    log.say("stopping: \(running.count) execution(s) running; they stop after their current commit and stay resumable")
    running.forEach { $0.cancel() }
    let deadline = ContinuousClock.now + grace
    while !state.runningTasks().isEmpty, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(50))
    }
    // Taking the store's lock waits for a commit this process is making, so none is cut short by the exit.
    _ = try? store.lastTick(of: "")
    let left = state.runningTasks().count
    log.say(left == 0 ? "scheduler stopped" : "scheduler stopped; \(left) execution(s) did not wind down in time (resume them later)")
  }

  private func launch(_ id: String, pipeline: Pipeline?, resumed: Bool) {
    let ticker = ticker, wakeup = wakeup, state = state
    state.add(id) {
      Task {
        _ = await ticker.runExecution(id, pipeline: pipeline, resumed: resumed)
        state.remove(id)
        await wakeup.signal()
      }
    }
  }
}

/// Wakes a sleeping loop early; a signal sent while nobody waits is kept for the next wait.
actor Wakeup {
  private var pending = false
  private var waiter: CheckedContinuation<Void, Never>?

  func signal() {
    if let waiter {
      self.waiter = nil
      waiter.resume()
    } else {
      pending = true
    }
  }

  /// Returns after `timeout`, or earlier on ``signal()``.
  func wait(timeout: Duration) async {
    if pending {
      pending = false
      return
    }
    let timer = Task {
      do {
        try await Task.sleep(for: timeout)
        self.signal()  // the task inherits the actor's isolation
      } catch {}
    }
    await withCheckedContinuation { waiter = $0 }
    timer.cancel()
  }
}
