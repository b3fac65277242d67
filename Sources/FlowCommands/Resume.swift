import ArgumentParser
import FlowCore
import FlowExecutor

extension Flow {
  /// `flow resume ID`: continue an execution left unfinished by a process that died.
  struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Continue an execution whose process died, from its last committed transition.")

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @Flag(help: "Print exactly one JSON object, as `flow run --json` does.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      try await continueExecution(id, storeOptions: storeOptions, json: json, redrive: false)
    }
  }

  /// `flow redrive ID`: re-run a failed execution from where it failed.
  struct Redrive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-run a FAILED, TIMED_OUT or ABORTED execution from the states that failed, reusing every successful result.")

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @Flag(help: "Print exactly one JSON object, as `flow run --json` does.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      try await continueExecution(id, storeOptions: storeOptions, json: json, redrive: true)
    }
  }

  /// Runs an existing execution to its end in this process (`resume`), re-opening it first for `redrive`.
  static func continueExecution(_ id: String, storeOptions: StoreOptions, json: Bool, redrive: Bool) async throws {
    _ = storeOptions.enterProjectRoot(keeping: [])
    let store = try storeOptions.openStore()
    let record = try findExecution(id, in: store)
    let view = ProgressView(enabled: !json && !storeOptions.quiet)
    let executor = storeOptions.executor(store: store, observer: view.observe)
    if redrive {
      do { _ = try executor.redrive(record.id) } catch let error as ExecutorError { throw CLIError(error.message) }
    }
    view.started(record)
    try await follow(record.id, executor: executor, view: view, json: json)
  }

  /// `flow stop ID`: abort a running execution.
  struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Abort a running execution.")

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @Option(help: "An error name to record.")
    var error: String?

    @Option(help: "A cause to record.")
    var cause: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let store = try storeOptions.openStore()
      let record = try findExecution(id, in: store)
      guard record.status == .running else {
        throw CLIError("execution \(record.id) has already finished (\(record.status.rawValue))")
      }
      let status = try store.requestStop(record.id, error: error, cause: cause ?? "Stopped by flow stop",
                                         now: Date.now.timeIntervalSince1970)
      print(status == .aborted
        ? "aborted \(record.id)"
        : "stop requested: the process running \(record.id) aborts it within a few seconds")
    }
  }
}

import Foundation
