import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow task success|failure|heartbeat TOKEN`: answer a `.waitForTaskToken` task.
  struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "task", abstract: "Complete or keep alive a task waiting for a callback token.",
      subcommands: [Success.self, Failure.self, Heartbeat.self])

    struct Success: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Complete a waiting task with an output.")
      @Argument(help: "The task token ($$.Task.Token).") var token: String
      @Option(help: ArgumentHelp("The task's output as JSON (default {}).", valueName: "json")) var output: String = "{}"
      @OptionGroup var storeOptions: StoreOptions

      func run() async throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: output) } catch {
          throw CLIError("--output:\(error.line):\(error.column): not valid JSON: \(error.message)")
        }
        try complete(token, storeOptions) { try $0.completeToken(token, status: .succeeded, output: value, error: nil, cause: nil, now: $1) }
      }
    }

    struct Failure: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Fail a waiting task with an error and cause.")
      @Argument(help: "The task token ($$.Task.Token).") var token: String
      @Option(help: "The error name (Retry and Catch match it).") var error: String = "TaskFailed"
      @Option(help: "The cause.") var cause: String = ""
      @OptionGroup var storeOptions: StoreOptions

      func run() async throws {
        try complete(token, storeOptions) { try $0.completeToken(token, status: .failed, output: nil, error: error, cause: cause, now: $1) }
      }
    }

    struct Heartbeat: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Tell a waiting task that its worker is alive (resets HeartbeatSeconds).")
      @Argument(help: "The task token ($$.Task.Token).") var token: String
      @OptionGroup var storeOptions: StoreOptions

      func run() async throws {
        try complete(token, storeOptions) { try $0.heartbeatToken(token, now: $1) }
      }
    }
  }
}

private func complete(_ token: String, _ options: StoreOptions, _ write: (any ExecutionStore, Double) throws -> Void) throws {
  let store = try options.openStore()
  do {
    try write(store, Date.now.timeIntervalSince1970)
    guard let record = try store.token(token), let execution = try store.execution(record.executionId) else { return }
    print("recorded for execution \(execution.id), state \(record.stateName)")
    if execution.isOrphaned() {
      print("no process is running execution \(execution.id): continue it with `flow resume \(execution.id)`")
    }
  } catch let error as StoreError {
    throw CLIError(error.message)
  }
}
