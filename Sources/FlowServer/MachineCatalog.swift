import FlowCore
import FlowDefinition
import FlowStore
import Foundation
import Logging

/// A state machine the API knows: created through the API (kept in the store) or a pipeline file under
/// `--pipelines` (named by its `Flow.Name`).
struct Machine: Sendable {
  enum Source: Sendable { case store, file(String) }
  var name: String
  var definition: String
  var roleArn: String
  var type: String
  var description: String?
  var revision: Int
  var createdAt: Double
  var updatedAt: Double
  var source: Source
  /// The loaded pipeline, named after the machine (executions are stored under that name).
  var pipeline: Pipeline
}

/// Finds state machines by name, in the store and in the pipelines folder.
///
/// Pipeline files are loaded once and again only when their modification time changes. A name both in the
/// store and in the folder means the stored machine (CreateStateMachine refuses such a name, so only a file
/// added later can collide).
final class MachineCatalog: Sendable {
  let store: any StepFunctionsStore
  let loader: PipelineLoader
  let directory: String?
  /// The role ARN reported for pipeline files, which have none.
  let defaultRoleArn: String
  private struct Loaded { var modified: Date; var machine: Machine? }
  private let files = Locked([String: Loaded]())
  /// Stored machines' pipelines, loaded once per definition.
  private struct Parsed { var definition: String; var pipeline: Pipeline }
  private let parsed = Locked([String: Parsed]())

  let logger: Logger

  init(store: any StepFunctionsStore, loader: PipelineLoader, directory: String?, account: String, logger: Logger) {
    self.store = store
    self.loader = loader
    self.directory = directory
    self.logger = logger
    defaultRoleArn = "arn:aws:iam::\(account):role/flow"
  }

  /// Loads an API definition under `name`; the error lists flow's located diagnostics.
  func load(definition: String, name: String) throws(StepFunctionsError) -> Pipeline {
    do {
      var pipeline = try loader.load(text: definition, path: "\(name).asl.json")
      pipeline.name = name
      return pipeline
    } catch {
      let messages = error.diagnostics.map(\.rendered).joined(separator: "; ")
      throw StepFunctionsError("InvalidDefinition", "Invalid State Machine Definition: '\(messages)'")
    }
  }

  func machine(_ name: String) throws -> Machine? {
    if let record = try store.stateMachine(name) { return try machine(from: record) }
    return fileMachines()[name]
  }

  /// Every machine, by name.
  func all() throws -> [Machine] {
    var byName = fileMachines()
    for record in try store.stateMachines() { byName[record.name] = try machine(from: record) }
    return byName.values.sorted { $0.name < $1.name }
  }

  private func machine(from record: StateMachineRecord) throws -> Machine {
    let pipeline: Pipeline
    if let hit = parsed.withLock({ $0[record.name] }), hit.definition == record.definition {
      pipeline = hit.pipeline
    } else {
      do { pipeline = try load(definition: record.definition, name: record.name) } catch {
        throw StepFunctionsError.internalFailure("the stored definition of state machine '\(record.name)' no longer loads: \(error.message)")
      }
      parsed.withLock { $0[record.name] = Parsed(definition: record.definition, pipeline: pipeline) }
    }
    return Machine(name: record.name, definition: record.definition, roleArn: record.roleArn, type: record.type,
                   description: record.description, revision: record.revision, createdAt: record.createdAt,
                   updatedAt: record.updatedAt, source: .store, pipeline: pipeline)
  }

  /// The pipeline files of the folder that load, by `Flow.Name` (the first file in name order wins a duplicate).
  func fileMachines() -> [String: Machine] {
    guard let directory else { return [:] }
    let manager = FileManager.default
    let names = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json")
    }.sorted()
    var machines: [String: Machine] = [:]
    for file in names {
      let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
      guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { continue }
      let machine: Machine? = files.withLock { cache in
        if let hit = cache[path], hit.modified == modified { return hit.machine }
        let pipeline: Pipeline
        do { pipeline = try loader.load(fileAt: path) } catch {
          // Said once per change of the file: it is not a state machine until it loads.
          logger.warning("\(path) is not served as a state machine: \(error)")
          cache[path] = Loaded(modified: modified, machine: nil)
          return nil
        }
        let loaded = Machine(name: pipeline.name, definition: pipeline.document.serialized(), roleArn: defaultRoleArn,
                             type: "STANDARD", description: nil, revision: 1, createdAt: modified.timeIntervalSince1970,
                             updatedAt: modified.timeIntervalSince1970, source: .file(path), pipeline: pipeline)
        cache[path] = Loaded(modified: modified, machine: loaded)
        return loaded
      }
      if let machine, machines[machine.name] == nil { machines[machine.name] = machine }
    }
    return machines
  }
}
