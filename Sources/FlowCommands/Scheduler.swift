import ArgumentParser
import Dispatch
import FlowCore
import Foundation

extension Flow {
  /// `flow scheduler [DIR]`: flow's own long-running scheduler, for machines and containers without cron.
  struct Scheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run scheduled pipelines without cron: sleep until the next slot, fire it, run it; log each step.",
      discussion: """
        Fires through the same code as `flow tick`, so each slot is recorded once in the store and a scheduler \
        and cron ticks on the same store never start a slot twice. It resumes the scheduled executions left \
        interrupted with no live owner (those of every execution with --resume-all). On SIGTERM or SIGINT it stops firing, lets each running execution finish \
        the commit it is making (they stay resumable), and exits with status 0.
        """)

    @Argument(help: "The directory of pipeline files (reloaded on every wake).",
              completion: .directory)
    var directory = "pipelines"

    @Option(help: ArgumentHelp("Seconds to wait for running executions to wind down after SIGTERM.", valueName: "seconds"))
    var grace: Double = 10

    @Flag(help: "At start, also resume interrupted executions the scheduler did not start (manual `flow run`s).")
    var resumeAll = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if grace < 0 { throw ValidationError("--grace must not be negative") }
    }

    func run() async throws {
      let store = try storeOptions.openStore()
      let log = TickLog.standardOutput
      let ticker = ScheduleTicker(executor: storeOptions.executor(store: store), store: store, log: log)
      let loop = SchedulerLoop(directory: directory, loader: storeOptions.loader, ticker: ticker,
                               grace: .milliseconds(Int64(grace * 1000)), resumeAll: resumeAll)
      let signals = SignalHandlers(for: [SIGTERM, SIGINT]) { signal in
        log.say("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): stopping")
        loop.stop()
      }
      defer { signals.cancel() }
      try await loop.run()
    }
  }
}

/// Turns signals into a callback on a dispatch queue instead of the default of dying mid-commit.
// `@unchecked`: `sources` never changes after `init`, and dispatch sources may be cancelled from any thread.
final class SignalHandlers: @unchecked Sendable {
  private let sources: [any DispatchSourceSignal]

  init(for signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
    sources = signals.map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  func cancel() { sources.forEach { $0.cancel() } }
}
