import FlowCore
import Foundation

/// Loads pipeline files (YAML, or JSON as Step Functions writes them) into validated ``Pipeline`` values.
///
/// Loading reads the file into a tree where every node keeps its position, decodes every field (checking names,
/// types and path syntax), then runs the validators (transitions, reachability, retry ranges, resources, …).
/// Every problem is collected before anything is thrown, and each one points at `file:line:column`.
///
/// ```swift
/// let loader = PipelineLoader(knownResources: ["flow:echo", "flow:exec"])
/// let pipeline = try loader.load(fileAt: "pipelines/train.yaml")
/// ```
///
/// ## Topics
/// ### Loading
/// - ``load(fileAt:)``
/// - ``load(text:path:)``
/// - ``load(document:path:)``
/// ### Checking
/// - ``check(fileAt:)``
/// - ``check(text:path:)``
public struct PipelineLoader: Sendable {
  /// Resource names that have a registered step.
  public let knownResources: Set<String>

  /// The parameters each step takes, by resource name: a Task's literal `Parameters` are checked against them.
  public let parameterSchemas: [String: ParameterSchema]

  /// The directory relative `ItemReader` paths are read from; `nil` (the default) means the pipeline file's own
  /// directory. The CLI sets it to the project root, the one base of every relative path in a pipeline.
  public var baseDirectory: String?

  /// Whether a Task may name an activity ARN that `Flow.Resources` does not map: `flow server` runs those as
  /// durable activity tasks answered by workers (GetActivityTask). False: such a Task is an error.
  public var acceptsActivities = false

  /// - Parameters:
  ///   - knownResources: resource names that exist (e.g. `"flow:echo"`, `"flow:exec"`). A Task whose
  ///     `Resource` starts with `flow:` and is not known is an error (with a did-you-mean hint); other resources
  ///     (e.g. AWS ARNs) are a warning: they run only if a step is registered under that name.
  ///   - parameterSchemas: what each step takes in `Parameters` (unknown names, wrong literal types and values not
  ///     allowed are errors at their position); steps without a schema are not checked.
  public init(knownResources: Set<String>, parameterSchemas: [String: ParameterSchema] = [:]) {
    self.knownResources = knownResources
    self.parameterSchemas = parameterSchemas
  }

  /// Loads the pipeline file at `path` (`.json` files are read as JSON, anything else as YAML).
  /// Warnings are dropped; use ``check(fileAt:)`` to see them.
  /// - Throws: ``DefinitionError`` with every error found.
  public func load(fileAt path: String) throws(DefinitionError) -> Pipeline {
    try load(text: readFile(path).get(), path: path)
  }

  /// Loads a pipeline from its text; `path` names it in messages, selects JSON for a `.json` extension,
  /// gives the default name, and is the base of relative `ItemReader` paths.
  /// - Throws: ``DefinitionError`` with every error found.
  public func load(text: String, path: String) throws(DefinitionError) -> Pipeline {
    let (pipeline, diagnostics) = process(text: text, path: path)
    guard let pipeline else { throw DefinitionError(diagnostics: diagnostics.filter(\.isError)) }
    return pipeline
  }

  /// Rebuilds a pipeline from the JSON a store kept (``Pipeline/document``); `path` is only for messages
  /// and relative `ItemReader` paths. Diagnostics have no positions.
  /// - Throws: ``DefinitionError`` with every error found.
  public func load(document: JSONValue, path: String) throws(DefinitionError) -> Pipeline {
    let (pipeline, diagnostics) = process(root: LocatedNode(document), path: path, earlier: [])
    guard let pipeline else { throw DefinitionError(diagnostics: diagnostics.filter(\.isError)) }
    return pipeline
  }

  /// Every diagnostic for the file at `path`, errors and warnings, in file order, without throwing (for `flow validate`).
  public func check(fileAt path: String) -> [Diagnostic] {
    switch readFile(path) {
    case .success(let text): check(text: text, path: path)
    case .failure(let error): error.diagnostics
    }
  }

  /// Every diagnostic for a pipeline's text, errors and warnings, in file order.
  public func check(text: String, path: String) -> [Diagnostic] {
    process(text: text, path: path).1
  }

  /// The name of a pipeline without `Flow.Name`: its file name without the extension.
  public static func defaultName(forPath path: String) -> String {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
    return String(file[..<dot])
  }

  // MARK: Pipeline

  private func readFile(_ path: String) -> Result<String, DefinitionError> {
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      guard let text = String(data: data, encoding: .utf8) else {
        return .failure(DefinitionError(diagnostics: [.error(.unreadableFile, "'\(path)' is not UTF-8 text", at: nil)]))
      }
      return .success(text)
    } catch {
      let reason = (error as NSError).localizedDescription
      return .failure(DefinitionError(diagnostics: [.error(.unreadableFile, "cannot read '\(path)': \(reason)", at: nil)]))
    }
  }

  private func process(text: String, path: String) -> (Pipeline?, [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    let isJSON = path.lowercased().hasSuffix(".json")
    let root = isJSON
      ? JSONReader(path: path).read(text, into: &diagnostics)
      : YAMLReader(path: path).read(text, into: &diagnostics)
    guard let root else { return (nil, diagnostics.sortedByLocation()) }
    return process(root: root, path: path, earlier: diagnostics)
  }

  private func process(root: LocatedNode, path: String, earlier: [Diagnostic]) -> (Pipeline?, [Diagnostic]) {
    var decoder = DocumentDecoder(path: path, baseDirectory: baseDirectory ?? Self.directory(of: path))
    let document = decoder.decode(root)
    var diagnostics = earlier + decoder.diagnostics
    for validator in validators() {
      validator.validate(document, into: &diagnostics)
    }
    diagnostics = diagnostics.sortedByLocation()
    guard !diagnostics.hasErrors else { return (nil, diagnostics) }
    let pipeline = Pipeline(name: document.name, path: path, parameters: document.parameters, schedule: document.schedule,
                            machine: document.machine.machine, document: root.json, maxHistoryEvents: document.maxHistoryEvents)
    return (pipeline, diagnostics)
  }

  /// The directory of `path` (`.` for a bare file name), made absolute so runs don't depend on the working directory
  /// changing later.
  static func directory(of path: String) -> String {
    let url = URL(fileURLWithPath: path).deletingLastPathComponent()
    return url.standardizedFileURL.path
  }
}
