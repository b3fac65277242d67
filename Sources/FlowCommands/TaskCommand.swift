import ArgumentParser
import FlowCore
import FlowStore
import Foundation

extension Flow {
  /// `flow task success|failure|heartbeat TOKEN`: answer a `.waitForTaskToken` task.
  struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "task", abstract: "List, complete or keep alive tasks waiting for a callback token.",
      subcommands: [List.self, Success.self, Failure.self, Heartbeat.self])

    struct List: AsyncParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Show the tokens of running executions still waiting for an answer: token, execution and state.")
      @Flag(help: "Print JSON: an array of {token, executionId, state, since}.") var json = false
      @OptionGroup var storeOptions: StoreOptions

      func run() async throws {
        let store = try storeOptions.openStore()
        let pending: [TaskTokenRecord]
        do { pending = try store.pendingTokens() } catch let error as StoreError { throw CLIError(error.message) }
        if json {
          let rows = pending.map { record -> JSONValue in
            .object(["token": .string(record.token), "executionId": .string(record.executionId),
             "state": .string(record.stateName), "since": .string(Timestamp.format(record.heartbeat))])
          }
          print(JSONValue.array(rows).serialized(pretty: true))
          return
        }
        guard !pending.isEmpty else {
          print("no task is waiting for a token")
          return
        }
        // The token goes last and whole on its line, so it can be copied as it is.
        let executionWidth = max("EXECUTION".count, pending.map(\.executionId.count).max() ?? 0)
        let stateWidth = max("STATE".count, pending.map(\.stateName.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(width - text.count, 0)) }
        print("\(pad("EXECUTION", executionWidth))  \(pad("STATE", stateWidth))  TOKEN")
        for record in pending {
          print("\(pad(record.executionId, executionWidth))  \(pad(record.stateName, stateWidth))  \(record.token)")
        }
      }
    }

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
