import ArgumentParser
import FlowCore
import FlowDefinition
import FlowExecutor
import FlowPostgres
import FlowSteps
import FlowStore
import Foundation
import Logging

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The store: a file, or a PostgreSQL server as postgresql://user@host:port/database (default: $FLOW_STORE, else .flow/flow.db in the nearest directory, from here upwards, that has a .flow folder, else here).", valueName: "path|url"))
  var store: String?

  @Option(help: ArgumentHelp("Largest state input or output in bytes (default: $FLOW_PAYLOAD_LIMIT, else 262144).", valueName: "bytes"))
  var payloadLimit: Int?

  @Option(help: ArgumentHelp("The most history events one execution may have (default: $FLOW_MAX_HISTORY_EVENTS, else 25000, as Step Functions); a pipeline's Flow.MaxHistoryEvents overrides it.", valueName: "count"))
  var maxHistoryEvents: Int?

  @Flag(help: "Print less: no progress lines and no step logs.")
  var quiet = false

  /// The store given explicitly, by `--store` or `FLOW_STORE`.
  private var explicitStore: String? {
    store ?? ProcessInfo.processInfo.environment["FLOW_STORE"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The PostgreSQL server's URL when `--store`/`FLOW_STORE` names one (`postgresql://…` or `postgres://…`).
  var postgresURL: String? {
    explicitStore.flatMap { PostgresURL.isPostgresURL($0) ? $0 : nil }
  }

  /// The store file given by `--store`/`FLOW_STORE` (not a PostgreSQL URL).
  private var explicitStoreFile: String? {
    postgresURL == nil ? explicitStore : nil
  }

  /// `--store`, else `$FLOW_STORE`, else `.flow/flow.db` under the project root (found like git finds `.git`);
  /// with a PostgreSQL store, its URL (what a `flow` started by this one is given as its store).
  var storePath: String {
    if let explicitStore { return explicitStore }
    guard let root = ProjectRoot.find(), root != FileManager.default.currentDirectoryPath else { return ".flow/flow.db" }
    return URL(fileURLWithPath: root).appendingPathComponent(".flow/flow.db").path
  }

  /// Where this machine keeps the logs of detached runs, the artifact area, captures and `secrets.json`: the
  /// store file's directory, or with a PostgreSQL store `.flow` under the project root (the current directory once
  /// ``enterProjectRoot(keeping:)`` ran).
  var localDirectory: URL {
    if postgresURL != nil {
      return URL(fileURLWithPath: ProjectRoot.find() ?? FileManager.default.currentDirectoryPath).appendingPathComponent(".flow")
    }
    return URL(fileURLWithPath: storePath).deletingLastPathComponent()
  }

  /// Makes the project root the current directory, so every relative path in a pipeline means the same wherever
  /// `flow` was started (README "Paths"). With a store file given by `--store`/`FLOW_STORE` the current directory
  /// is the project root; a PostgreSQL store is not a place, so with one the project root is found as without.
  /// - Returns: `paths`, made absolute against the directory `flow` was started in (for the command's own arguments).
  func enterProjectRoot(keeping paths: [String?]) -> [String?] {
    let start = FileManager.default.currentDirectoryPath
    guard explicitStoreFile == nil, let root = ProjectRoot.find(from: start), root != start else { return paths }
    let absolute = paths.map { path in
      path.map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: start).appendingPathComponent($0).standardizedFileURL.path }
    }
    _ = FileManager.default.changeCurrentDirectoryPath(root)
    return absolute
  }

  func validate() throws {
    if let payloadLimit, payloadLimit < 1 { throw ValidationError("--payload-limit must be a positive number of bytes") }
    if let maxHistoryEvents, maxHistoryEvents < 100 { throw ValidationError("--max-history-events must be at least 100") }
  }

  /// Opens the store: the PostgreSQL server `--store`/`FLOW_STORE` names, else the SQLite file (where
  /// `FLOW_DURABILITY=normal` trades power-loss safety for speed).
  func openStore() throws -> any FlowStoreBackend {
    if let postgresURL {
      let directory = localDirectory
      // Logs, artifacts and captures stay on this machine, in a directory only the user may enter.
      if !FileManager.default.fileExists(atPath: directory.path) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } else {
        _ = chmod(directory.path, 0o700)
      }
      // The message shows the URL without its password (PostgresURL redacts it).
      do { return try PostgresStore(url: postgresURL) } catch let error as StoreError { throw CLIError(error.message) }
    }
    let durability = SQLiteStore.Durability(rawValue: ProcessInfo.processInfo.environment["FLOW_DURABILITY"] ?? "full") ?? .full
    let path = storePath
    // The store, logs, artifacts and captures live under the store's directory: only the user may enter it.
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    if !FileManager.default.fileExists(atPath: directory.path) {
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } else if directory.lastPathComponent == ".flow" {
      _ = chmod(directory.path, 0o700)
    }
    let opened: SQLiteStore
    do { opened = try SQLiteStore(path: path, durability: durability) } catch let error as StoreError {
      throw CLIError(error.message)
    }
    for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
      _ = chmod(file, 0o600)
    }
    return opened
  }

  /// Where `{Secret: NAME}` references are resolved: `FLOW_SECRET_<NAME>`, else `$FLOW_SECRETS_FILE`, else
  /// `secrets.json` next to the store (a JSON object; it must be mode 0600).
  var secretResolver: SecretResolver {
    let environment = ProcessInfo.processInfo.environment
    let file = environment["FLOW_SECRETS_FILE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
      ?? localDirectory.appendingPathComponent("secrets.json")
    return SecretResolver(environment: environment, file: file)
  }

  /// The resource names every command knows: the built-in steps, the ML steps and `flow:pipeline`.
  static var knownResources: Set<String> { Set(StepRegistry.builtIn.resources + StepRegistry.mlResources + ["flow:pipeline"]) }

  /// The step registry every command runs with: the built-in and ML steps over `store` (its registry, artifact
  /// lineage and artifact area), and `flow:pipeline`, which starts child executions on `executor`.
  func steps(store: any FlowStoreBackend, executor: ExecutorReference) -> StepRegistry {
    var ml = MLEnvironment(storeDirectory: localDirectory,
                           registry: store, catalog: store, executions: store)
    ml.outputDirectories = Self.outputDirectories
    ml.blobs = store as? any ArtifactBlobStore
    var registry = StepRegistry.builtIn(ml: ml)
    registry.register("flow:pipeline", PipelineStep(executor: executor))
    registry.register(prefix: "arn:aws:", MappedResourceStep())
    return registry
  }

  var loader: PipelineLoader {
    var loader = Self.pipelineLoader
    loader.baseDirectory = FileManager.default.currentDirectoryPath
    return loader
  }

  /// Where steps may write files: the project root (the current directory once ``enterProjectRoot(keeping:)`` ran)
  /// and every directory listed, separated by `:`, in `FLOW_ALLOWED_OUTPUT_DIRS`.
  static var outputDirectories: [URL] {
    let listed = ProcessInfo.processInfo.environment["FLOW_ALLOWED_OUTPUT_DIRS"]?.split(separator: ":").map(String.init) ?? []
    return ([FileManager.default.currentDirectoryPath] + listed).map { URL(fileURLWithPath: $0) }
  }

  /// The loader every command checks pipelines with: the registered resources and what their steps take.
  static var pipelineLoader: PipelineLoader {
    PipelineLoader(knownResources: knownResources, parameterSchemas: StepRegistry.parameterSchemas)
  }

  func executor(store: any FlowStoreBackend, observer: (@Sendable (HistoryEvent) -> Void)? = nil, loader: PipelineLoader? = nil,
                configure: (inout ExecutorOptions) -> Void = { _ in }) -> Executor {
    let directory = localDirectory
    var logger = Logger(label: "flow")
    logger.logLevel = quiet ? .warning : .info
    var options = ExecutorOptions(artifactsRoot: directory.appendingPathComponent("artifacts"), logger: logger, observer: observer)
    options.secrets = secretResolver
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
    configure(&options)
    let reference = ExecutorReference()
    let executor = Executor(store: store, steps: steps(store: store, executor: reference), loader: loader ?? self.loader, options: options)
    reference.set(executor)
    return executor
  }
}

/// The project root: the nearest directory, from the current one upwards, that holds a `.flow` folder.
enum ProjectRoot {
  static func find(from start: String = FileManager.default.currentDirectoryPath) -> String? {
    var directory = URL(fileURLWithPath: start).standardizedFileURL
    while true {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".flow").path, isDirectory: &isDirectory),
         isDirectory.boolValue {
        return directory.path
      }
      let parent = directory.deletingLastPathComponent()
      if parent.path == directory.path { return nil }
      directory = parent
    }
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
