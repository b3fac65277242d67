import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation

/// `flow:pipeline`: starts another pipeline file as a child execution and waits for it, like Step Functions'
/// `startExecution.sync`; the child's output is the task's result.
///
/// Parameters: `Pipeline` (the file, required; a relative path is tried from the working directory, then from the
/// parent pipeline file's directory), `Input` (an object merged over the child's `Flow.Parameters`, default `{}`),
/// `Name` (the child execution's name; default derived from the parent execution, state and visit).
///
/// The child records its parent (`flow status` lists it under the parent). A re-run of the task (after a crash)
/// finds the child it started by name and resumes or reads it instead of starting another. A child that does not
/// succeed fails the task with `Pipeline.ChildFailed` (cause: the child's id, error and cause); a file that does
/// not load fails it with `Pipeline.InvalidDefinition`.
struct PipelineStep: Step {
  let executor: ExecutorReference

  static let fields = ["Pipeline", "Input", "Name"]

  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    guard case .object(let parameters) = input else {
      throw StepFailure("Pipeline.InvalidParameters", cause: "flow:pipeline needs Parameters with a Pipeline file, got \(input.typeName)")
    }
    if let unknown = parameters.keys.first(where: { !Self.fields.contains($0) }) {
      throw StepFailure("Pipeline.InvalidParameters", cause: "unknown parameter '\(unknown)'; flow:pipeline takes \(Self.fields.joined(separator: ", "))")
    }
    guard let file = parameters["Pipeline"]?.stringValue, !file.isEmpty else {
      throw StepFailure("Pipeline.InvalidParameters", cause: "the parameter 'Pipeline' (a pipeline file) is required")
    }
    var childInput = JSONObject()
    switch parameters["Input"] {
    case nil, .null?: break
    case .object(let object)?: childInput = object
    case let other?: throw StepFailure("Pipeline.InvalidParameters", cause: "'Input' must be an object, got \(other.typeName)")
    }
    let executor = try executor.get()
    let parent = try executor.store.execution(context.executionId)
    let path = Self.resolve(file, parentPipeline: parent?.pipelinePath)
    let pipeline: Pipeline
    if let problem = unreadablePipelineFile(path) { throw StepFailure("Pipeline.InvalidDefinition", cause: problem) }
    do { pipeline = try executor.loader.load(fileAt: path) } catch {
      throw StepFailure("Pipeline.InvalidDefinition", cause: "\(error)")
    }
    let name = parameters["Name"]?.stringValue
      ?? "\(context.stateName)-\(context.executionId.prefix(8))-\(context.idempotencyKey.split(separator: "/").last ?? "0")"

    var child = try executor.store.children(of: context.executionId).first { $0.name == name }
    if child == nil {
      var merged = pipeline.parameters
      for (key, value) in childInput { merged[key] = value }
      do {
        child = try executor.start(pipeline, input: .object(merged), name: name, parentId: context.executionId)
      } catch let error as ExecutorError {
        throw StepFailure("Pipeline.StartFailed", cause: error.message)
      }
      context.logger.info("\(context.stateName): started child execution \(child!.id) of \(pipeline.name) (\(path))")
    } else {
      context.logger.info("\(context.stateName): child execution \(child!.id) of \(pipeline.name) exists already (\(child!.status.rawValue))")
    }
    var final = child!
    if final.status == .running {
      do { final = try await executor.run(final.id, pipeline: pipeline) } catch let error as ExecutorError {
        throw StepFailure("Pipeline.ChildFailed", cause: "child execution \(final.id): \(error.message)")
      }
    }
    guard final.status == .succeeded else {
      throw StepFailure("Pipeline.ChildFailed",
                        cause: "child execution \(final.id) of \(pipeline.name) \(final.status.rawValue): \(final.error ?? "") \(final.cause ?? "")"
                          .trimmingCharacters(in: .whitespaces))
    }
    context.logger.info("\(context.stateName): child execution \(final.id) SUCCEEDED")
    return final.output ?? .null
  }

  /// `file` as given when it exists (or is absolute), else relative to the parent pipeline file's directory.
  static func resolve(_ file: String, parentPipeline: String?) -> String {
    if file.hasPrefix("/") || FileManager.default.fileExists(atPath: file) { return file }
    guard let parentPipeline else { return file }
    let sibling = URL(fileURLWithPath: parentPipeline).deletingLastPathComponent().appendingPathComponent(file).path
    return FileManager.default.fileExists(atPath: sibling) ? sibling : file
  }
}

/// The executor that `flow:pipeline` starts children on: set once, right after the executor (which holds the step
/// registry that holds this step) is built.
final class ExecutorReference: Sendable {
  private let executor = Locked<Executor?>(nil)

  func set(_ executor: Executor) { self.executor.withLock { $0 = executor } }

  func get() throws -> Executor {
    guard let executor = executor.value else {
      throw StepFailure("Pipeline.Unavailable", cause: "flow:pipeline runs only inside an executor")
    }
    return executor
  }
}
