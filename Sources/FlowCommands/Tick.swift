import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow tick [DIR]`: start every scheduled run that is due, then return. Cron runs it every minute.
  struct Tick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start every scheduled run that is due since the last tick, run it to its end, and return.",
      discussion: """
        For each pipeline with a Flow.Schedule block, the slots due since its last tick are recorded in the store \
        under a unique (pipeline, scheduled time) key, in the same transaction that creates their execution, so a \
        tick run twice, or two ticks at once, never start a slot twice. The executions this tick starts, and \
        scheduled executions whose process died, then run in this process, concurrently, until they end \
        (--detach hands them to background processes instead). `flow schedule install` runs this every minute \
        from cron.
        """)

    @Argument(help: "The directory of pipeline files.", completion: .directory)
    var directory = "pipelines"

    @Flag(help: "Start the executions in background `flow resume` processes and return at once.")
    var detach = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let log = TickLog.standardOutput
      let (pipelines, problems) = try ScheduledPipeline.load(from: directory, loader: storeOptions.loader)
      problems.forEach { log.say($0) }
      let store = try storeOptions.openStore()
      let ticker = ScheduleTicker(executor: storeOptions.executor(store: store), store: store, log: log)
      let report = ticker.tick(pipelines, now: Date())
      if report.started.isEmpty && report.orphaned.isEmpty && !storeOptions.quiet {
        log.say("tick: nothing to start in \(pipelines.count) scheduled pipeline(s)"
                + (report.nextFire.map { "; next slot \(TickLog.format($0))" } ?? ""))
      }
      let failures = detach ? ticker.detach(report, store: storeOptions.storePath, localDirectory: storeOptions.localDirectory) : await ticker.run(report)
      if !problems.isEmpty || report.errors > 0 || failures > 0 { throw ExitCode.failure }
    }
  }
}
