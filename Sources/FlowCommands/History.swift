import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow history ID`: every event of an execution.
  struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an execution's event history, in order.")

    @Argument(help: "The execution id (or a unique prefix of it, or its name).")
    var id: String

    @Flag(help: "Print {\"events\": [...]} exactly as Step Functions' GetExecutionHistory shows it.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let store = try storeOptions.openStore()
      let record = try findExecution(id, in: store)
      let events = try store.events(of: record.id, after: 0)
      if json {
        print(JSONValue.object(["events": .array(events.map { $0.awsJSON(timestamp: Timestamp.format) })]).serialized(pretty: true))
        return
      }
      let rows = events.map { event in
        var details = event.details
        for (key, value) in event.flow { details[key] = value }
        return [String(event.id), String(event.previousId), String(Timestamp.format(event.timestamp).dropFirst(11)),
                event.type.rawValue, String(JSONValue.object(details).serialized().prefix(160))]
      }
      print(ExecutionTable.render(["ID", "PREV", "TIME (UTC)", "TYPE", "DETAILS"], rows))
    }
  }
}
