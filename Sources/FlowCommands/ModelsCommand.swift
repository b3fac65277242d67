import ArgumentParser
import FlowCore
import Foundation

extension Flow {
  /// `flow models list|show|approve|reject|alias`: the model registry.
  struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "models",
      abstract: "List registered models and versions, show one with its lineage, approve or reject it, set aliases.",
      subcommands: [List.self, Show.self, Approve.self, Reject.self, Alias.self])
  }
}

extension Flow.ModelsCommand {
  /// `flow models list [NAME]`.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List model versions: status, aliases, headline metrics, lineage.")

    @Argument(help: "Only this model's versions.")
    var name: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let versions = try registryCall { try storeOptions.openStore().modelVersions(name) }
      if json {
        print(JSONValue.array(versions.map(ModelTable.json)).serialized(pretty: true))
      } else {
        print(ModelTable.list(versions))
      }
    }
  }

  /// `flow models show NAME VERSION|ALIAS`.
  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one model version with its lineage, hyperparameters and metrics.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "A version number or an alias (default: the latest version).")
    var version: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let record = try findVersion(name, version, in: try storeOptions.openStore())
      print(json ? ModelTable.json(record).serialized(pretty: true) : ModelTable.detail(record))
    }
  }

  /// `flow models approve NAME VERSION`.
  struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mark a model version Approved, so that flow:deploy may deploy it.")

    @Argument(help: "The model's name.") var name: String
    @Argument(help: "A version number or an alias.") var version: String
    @Option(help: "Why (kept with the version).") var note: String?
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws { try setStatus(.approved, name, version, note, storeOptions) }
  }

  /// `flow models reject NAME VERSION`.
  struct Reject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mark a model version Rejected, so that it is never deployed.")

    @Argument(help: "The model's name.") var name: String
    @Argument(help: "A version number or an alias.") var version: String
    @Option(help: "Why (kept with the version).") var note: String?
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws { try setStatus(.rejected, name, version, note, storeOptions) }
  }

  /// `flow models alias NAME ALIAS VERSION` or `flow models alias NAME ALIAS --remove`.
  struct Alias: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Point an alias (production, staging, any name) at a model version, or remove it.")

    @Argument(help: "The model's name.") var name: String
    @Argument(help: "The alias.") var alias: String
    @Argument(help: "The version it points at.") var version: Int?
    @Flag(help: "Remove the alias.") var remove = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if remove == (version != nil) { throw ValidationError("give a VERSION to point the alias at, or --remove") }
    }

    func run() async throws {
      let store = try storeOptions.openStore()
      try registryCall { try store.setAlias(alias, modelName: name, version: remove ? nil : version) }
      print(remove ? "\(name): removed alias '\(alias)'" : "\(name): '\(alias)' → v\(version!)")
    }
  }

  static func setStatus(_ status: ApprovalStatus, _ name: String, _ version: String, _ note: String?,
                        _ storeOptions: StoreOptions) throws {
    let store = try storeOptions.openStore()
    let record = try findVersion(name, version, in: store)
    let updated = try registryCall { try store.setApproval(name, version: record.version, status: status, note: note) }
    print("\(name) v\(updated.version): \(updated.approvalStatus.rawValue)")
  }
}

/// A version by number, alias, or (when `nil`) the latest; a clear error otherwise.
func findVersion(_ name: String, _ version: String?, in registry: any ModelRegistry) throws -> ModelVersionRecord {
  try registryCall {
    if let version, let number = Int(version) {
      guard let record = try registry.modelVersion(name, version: number) else {
        let known = try registry.modelVersions(name).map { String($0.version) }
        throw CLIError(known.isEmpty ? "no registered model named '\(name)'" : "model '\(name)' has no version \(number) (versions: \(known.joined(separator: ", ")))")
      }
      return record
    }
    if let alias = version {
      guard let record = try registry.modelVersion(name, alias: alias) else { throw CLIError("model '\(name)' has no alias '\(alias)'") }
      return record
    }
    guard let latest = try registry.modelVersions(name).last else { throw CLIError("no registered model named '\(name)'") }
    return latest
  }
}

/// Runs a registry call, turning a ``StoreError`` into a message for the user.
func registryCall<T>(_ body: () throws -> T) throws -> T {
  do { return try body() } catch let error as StoreError { throw CLIError(error.message) }
}
