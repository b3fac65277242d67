import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow worker`: a long-running process that runs the executions nobody runs.
  struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run queued and interrupted executions from the store, several at once, until SIGTERM.",
      discussion: """
        Claims executions that are RUNNING with no live owner — started with `flow run --queue`, handed back by \
        another worker, left by a process that died, or queued by a DISTRIBUTED Map — and runs them, renewing \
        their leases. Any number of \
        workers may share one store; each execution is run by one at a time. On SIGTERM or SIGINT it stops \
        claiming, lets the running steps finish (up to --grace seconds), hands the executions back for another \
        worker, and exits with status 0.
        """)

    @Option(help: ArgumentHelp("How many executions to run at once.", valueName: "n"))
    var concurrency = 4

    @Option(help: ArgumentHelp("Run only the pipelines of this directory's files (by Flow.Name); default: every pipeline.",
                               valueName: "dir"), completion: .directory)
    var pipelines: String?

    @Option(help: "This worker's name in lease owners and `flow status` (default: a random suffix after host and pid).")
    var name: String?

    @Option(help: ArgumentHelp("Seconds the running steps get to finish after SIGTERM.", valueName: "seconds"))
    var grace: Double = 30

    @Option(help: ArgumentHelp("Seconds between two looks for runnable executions.", valueName: "seconds"))
    var poll: Double = 0.2

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
      if grace < 0 { throw ValidationError("--grace must not be negative") }
      if poll <= 0 || poll > 60 { throw ValidationError("--poll must be more than 0 and at most 60 seconds") }
      if let name, name.isEmpty || name.count > 100 || name.contains(where: { $0.isWhitespace || $0 == ":" }) {
        throw ValidationError("--name must be 1 to 100 characters without spaces or ':'")
      }
    }

    func run() async throws {
      let directory = storeOptions.enterProjectRoot(keeping: [pipelines])[0]
      let store = try storeOptions.openStore()
      let log = TickLog.standardOutput
      var names: Set<String>?
      if let directory {
        let (loaded, problems) = try PipelineDirectory.load(from: directory, loader: storeOptions.loader)
        problems.forEach { log.say($0) }
        names = Set(loaded.map(\.name))
      }
      let draining = Locked(false)
      let executor = storeOptions.executor(store: store, configure: { options in
        options.ownerName = name
        options.handBack = { draining.value }
      })
      let loop = WorkerLoop(executor: executor, store: store, concurrency: concurrency, pipelines: names,
                            grace: .milliseconds(Int64(grace * 1000)), poll: .milliseconds(Int64(poll * 1000)), log: log,
                            draining: draining)
      let signals = SignalHandlers(for: [SIGTERM, SIGINT]) { signal in
        log.say("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): draining")
        loop.stop()
      }
      defer { signals.cancel() }
      await loop.run()
    }
  }
}
