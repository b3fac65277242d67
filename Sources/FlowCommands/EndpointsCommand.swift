import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow endpoints list|rollback`: which model version each endpoint serves.
  struct EndpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "endpoints",
      abstract: "List endpoints and the model version each serves, or roll one back to its previous version.",
      subcommands: [List.self, Rollback.self])
  }
}

extension Flow.EndpointsCommand {
  /// `flow endpoints list`.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List endpoints: the model version each serves and the previous one.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let endpoints = try registryCall { try storeOptions.openStore().endpoints() }
      if json {
        print(JSONValue.array(endpoints.map(ModelTable.json)).serialized(pretty: true))
      } else if endpoints.isEmpty {
        print("no endpoints yet: deploy a model with a flow:deploy step (for example `flow run pipelines/digits.yaml`)")
      } else {
        let rows = endpoints.map { e in
          [e.name, "\(e.current.modelName) v\(e.current.version)", e.previous.map { "\($0.modelName) v\($0.version)" } ?? "-",
           Timestamp.format(e.updatedAt), e.current.artifactPath]
        }
        print(ExecutionTable.render(["ENDPOINT", "SERVES", "PREVIOUS", "UPDATED (UTC)", "ARTIFACT"], rows))
      }
    }
  }

  /// `flow endpoints rollback NAME`.
  struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Point an endpoint back at the version it served before (a running flow serve switches over by itself).",
      discussion: "A version that has been Rejected is never put back: the command refuses and names the newest Approved version.")

    @Argument(help: "The endpoint's name.")
    var name: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let record = try registryCall { try storeOptions.openStore().rollback(endpoint: name) }
      print("\(record.name): now serves \(record.current.modelName) v\(record.current.version)"
            + (record.previous.map { " (was \($0.modelName) v\($0.version))" } ?? ""))
    }
  }
}
