import ArgumentParser
import FlowCore
import FlowDefinition
import FlowExecutor
import FlowSteps
import FlowStore
import Foundation
import Logging

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The store file (default: $FLOW_STORE, else .flow/flow.db).", valueName: "path"))
  var store: String?

  @Option(help: ArgumentHelp("Largest state input or output in bytes (default: $FLOW_PAYLOAD_LIMIT, else 262144).", valueName: "bytes"))
  var payloadLimit: Int?

  @Option(help: ArgumentHelp("The most history events one execution may have (default: $FLOW_MAX_HISTORY_EVENTS, else 25000, as Step Functions); a pipeline's Flow.MaxHistoryEvents overrides it.", valueName: "count"))
  var maxHistoryEvents: Int?

  @Flag(help: "Print less: no progress lines and no step logs.")
  var quiet = false

  var storePath: String {
    store ?? ProcessInfo.processInfo.environment["FLOW_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? ".flow/flow.db"
  }

  func validate() throws {
    if let payloadLimit, payloadLimit < 1 { throw ValidationError("--payload-limit must be a positive number of bytes") }
    if let maxHistoryEvents, maxHistoryEvents < 100 { throw ValidationError("--max-history-events must be at least 100") }
  }

  /// Opens the store; `FLOW_DURABILITY=normal` trades power-loss safety for speed.
  func openStore() throws -> SQLiteStore {
    let durability = SQLiteStore.Durability(rawValue: ProcessInfo.processInfo.environment["FLOW_DURABILITY"] ?? "full") ?? .full
    do { return try SQLiteStore(path: storePath, durability: durability) } catch let error as StoreError {
      throw CLIError(error.message)
    }
  }

  /// The resource names every command knows: the built-in steps, the ML steps and `flow:pipeline`.
  static var knownResources: Set<String> { Set(StepRegistry.builtIn.resources + StepRegistry.mlResources + ["flow:pipeline"]) }

  /// The step registry every command runs with: the built-in and ML steps over `store` (its registry, artifact
  /// lineage and artifact area), and `flow:pipeline`, which starts child executions on `executor`.
  func steps(store: SQLiteStore, executor: ExecutorReference) -> StepRegistry {
    let ml = MLEnvironment(storeDirectory: URL(fileURLWithPath: storePath).deletingLastPathComponent(),
                           registry: store, catalog: store, executions: store)
    var registry = StepRegistry.builtIn(ml: ml)
    registry.register("flow:pipeline", PipelineStep(executor: executor))
    registry.register(prefix: "arn:aws:", MappedResourceStep())
    return registry
  }

  var loader: PipelineLoader { Self.pipelineLoader }

  /// The loader every command checks pipelines with: the registered resources and what their steps take.
  static var pipelineLoader: PipelineLoader {
    PipelineLoader(knownResources: knownResources, parameterSchemas: StepRegistry.parameterSchemas)
  }

  func executor(store: SQLiteStore, observer: (@Sendable (HistoryEvent) -> Void)? = nil) -> Executor {
    let directory = URL(fileURLWithPath: storePath).deletingLastPathComponent()
    var logger = Logger(label: "flow")
    logger.logLevel = quiet ? .warning : .info
    var options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"), logger: logger, observer: observer)
    if let limit = payloadLimit ?? ProcessInfo.processInfo.environment["FLOW_PAYLOAD_LIMIT"].flatMap({ Int($0) }) {
      options.payloadLimitBytes = limit
    }
    let environment = ProcessInfo.processInfo.environment
    if let limit = maxHistoryEvents ?? environment["FLOW_MAX_HISTORY_EVENTS"].flatMap({ Int($0) }), limit >= 100 {
      options.maxHistoryEvents = limit
    }
    // How long a lease lasts without renewal (default 10 s); tests of take-overs shorten it.
    if let seconds = environment["FLOW_LEASE_SECONDS"].flatMap({ Double($0) }), seconds >= 0.3 {
      options.leaseSeconds = seconds
    }
    let reference = ExecutorReference()
    let executor = Executor(store: store, steps: steps(store: store, executor: reference), loader: loader, options: options)
    reference.set(executor)
    return executor
  }
}

/// A command-line failure with a message for the user; exits with status 1.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ message: String) { description = message }
}

/// Looks up an execution by id (or unique prefix, or name) or fails with a clear message.
func findExecution(_ id: String, in store: any ExecutionStore) throws -> ExecutionRecord {
  do {
    guard let record = try store.execution(id) else { throw CLIError("no execution with id '\(id)'") }
    return record
  } catch let error as StoreError {
    throw CLIError(error.message)
  }
}
