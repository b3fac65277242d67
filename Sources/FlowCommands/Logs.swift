import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow logs ID`: what a detached execution's background process printed.
  struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the log of an execution started with --detach (or by `flow tick --detach`).",
      discussion: """
        A detached execution runs in a background `flow resume` that writes its progress lines and the \
        outcome to logs/ID.log next to the store (.flow/logs/ID.log by default). A step's own stderr is in \
        `flow history ID`.
        """)

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let store = try storeOptions.openStore()
      let record = try findExecution(id, in: store)
      let path = storeOptions.localDirectory
        .appendingPathComponent("logs").appendingPathComponent("\(record.id).log").path
      guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("no log for execution \(record.id) at \(path): only executions started with --detach have one; "
                       + "see `flow history \(record.id)`")
      }
      FileHandle.standardOutput.write(data)
    }
  }
}
