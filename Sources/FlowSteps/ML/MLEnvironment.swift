import FlowCore
import Foundation

/// What the ML steps (`flow:process`, `flow:train`, …) share: the content-addressed artifact area, the model
/// registry, the artifact lineage and the executions, all usually backed by the one store.
///
/// `FlowCommands` builds it from the opened store and passes it to ``StepRegistry/builtIn(ml:)``:
/// ```swift
/// let ml = MLEnvironment(storeDirectory: storeURL.deletingLastPathComponent(), registry: store, catalog: store, executions: store)
/// let steps = StepRegistry.builtIn(ml: ml)
/// ```
public struct MLEnvironment: Sendable {
  /// Where artifacts live: content-addressed files go to `ROOT/sha256/AB/HASH.EXT`.
  public var artifactsRoot: URL
  /// Where `flow serve` appends captured requests: `CAPTURE/ENDPOINT/*.jsonl`, read by `flow:monitor`.
  public var captureDirectory: URL
  /// The model registry (`flow:register`, `flow:deploy`).
  public var registry: any ModelRegistry
  /// The artifact lineage.
  public var catalog: any ArtifactCatalog
  /// The executions, for the lineage of a registered model (its pipeline file).
  public var executions: any ExecutionStore
  /// The directories steps may write files named in their parameters to (`flow:transform`'s `Output`); `nil`
  /// allows any. The CLI sets the project root plus `FLOW_ALLOWED_OUTPUT_DIRS`.
  public var outputDirectories: [URL]?
  /// Where artifact bytes are shared between hosts (the PostgreSQL store); nil when they are local files only.
  /// With it, artifacts are written there too, and an artifact a step reads that is missing here (a model, a data
  /// set, a baseline) is fetched into ``artifactsRoot`` (the host's cache) before it is read.
  public var blobs: (any ArtifactBlobStore)?

  /// - Parameters:
  ///   - storeDirectory: the store file's directory (`.flow`); artifacts go to `artifacts/` and captures are read
  ///     from `capture/` under it unless given.
  public init(storeDirectory: URL, registry: any ModelRegistry, catalog: any ArtifactCatalog,
              executions: any ExecutionStore, captureDirectory: URL? = nil) {
    artifactsRoot = storeDirectory.appendingPathComponent("artifacts")
    self.captureDirectory = captureDirectory ?? storeDirectory.appendingPathComponent("capture")
    self.registry = registry
    self.catalog = catalog
    self.executions = executions
  }

  /// `path` (relative to the current directory) when it lies inside one of ``outputDirectories`` (after resolving
  /// `..` and symbolic links), else a `STEP.OutputNotAllowed` failure.
  func checkOutput(_ path: String, step: String) throws {
    guard let allowed = outputDirectories else { return }
    let target = Self.canonical(URL(fileURLWithPath: path))
    let inside = allowed.contains { directory in
      let root = Self.canonical(directory)
      return target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
    guard inside else {
      throw StepFailure("\(step).OutputNotAllowed", cause: "\(path) is outside the project (\(allowed.map(\.path).joined(separator: ", "))); to write there, add its directory to FLOW_ALLOWED_OUTPUT_DIRS (':'-separated)")
    }
  }

  /// The absolute path of `url` with `..` and the symbolic links of its existing part resolved.
  private static func canonical(_ url: URL) -> String {
    var existing = url.standardizedFileURL
    var rest: [String] = []
    while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
      rest.insert(existing.lastPathComponent, at: 0)
      existing = existing.deletingLastPathComponent()
    }
    var resolved = existing.resolvingSymlinksInPath()
    for part in rest { resolved.appendPathComponent(part) }
    return resolved.standardizedFileURL.path
  }

  /// The content-addressed artifact area.
  var artifacts: ArtifactStore { ArtifactStore(root: artifactsRoot, catalog: catalog, blobs: blobs) }

  /// This host's copy of the artifacts, filled from ``blobs``.
  public var artifactCache: ArtifactCache { ArtifactCache(root: artifactsRoot, blobs: blobs) }
}

extension StepRegistry {
  /// The resource names of the ML steps, for checking pipelines without opening a store.
  public static let mlResources = [
    "flow:process", "flow:train", "flow:tune", "flow:evaluate", "flow:register", "flow:deploy", "flow:transform",
    "flow:monitor",
  ]

  /// The built-in steps plus the ML steps over `ml`.
  public static func builtIn(ml: MLEnvironment) -> StepRegistry {
    var registry = StepRegistry.builtIn
    registry.register("flow:process", ProcessStep(environment: ml))
    registry.register("flow:train", TrainStep(environment: ml))
    registry.register("flow:tune", TuneStep(environment: ml))
    registry.register("flow:evaluate", EvaluateStep(environment: ml))
    registry.register("flow:register", RegisterStep(environment: ml))
    registry.register("flow:deploy", DeployStep(environment: ml))
    registry.register("flow:transform", TransformStep(environment: ml))
    registry.register("flow:monitor", MonitorStep(environment: ml))
    return registry
  }
}
