import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow history ID`: every event of an execution.
  struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an execution's event history, in order.")

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @Flag(help: "Print the events as a JSON array, with Step Functions' field names.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let store = try storeOptions.openStore()
      let record = try findExecution(id, in: store)
      let events = try store.events(of: record.id, after: 0)
      if json {
        print(JSONValue.array(events.map { event in
          ["id": .int(event.id), "previousEventId": .int(event.previousId), "type": .string(event.type),
           "timestamp": .string(Timestamp.format(event.timestamp)), "details": event.details]
        }).serialized(pretty: true))
        return
      }
      let rows = events.map { event in
        [String(event.id), String(event.previousId), String(Timestamp.format(event.timestamp).dropFirst(11)), event.type,
         String(event.details.serialized().prefix(160))]
      }
      print(ExecutionTable.render(["ID", "PREV", "TIME (UTC)", "TYPE", "DETAILS"], rows))
    }
  }
}
