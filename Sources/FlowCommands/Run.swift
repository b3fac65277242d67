import ArgumentParser
import FlowCore
import FlowDefinition
import FlowExecutor
import Foundation

extension Flow {
  /// `flow run FILE`: start an execution and follow it.
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start an execution of a pipeline file and follow it to the end.")

    @Argument(help: "The pipeline file (YAML or JSON).", completion: .file(extensions: ["yaml", "yml", "json"]))
    var file: String

    @Option(help: ArgumentHelp("The execution input as JSON, merged over Flow.Parameters.", valueName: "json"))
    var input: String?

    @Option(help: ArgumentHelp("Read the execution input from a JSON file.", valueName: "path"))
    var inputFile: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Set one input field (the value is parsed as JSON when it can be).", valueName: "key=value"))
    var params: [String] = []

    @Option(help: "The execution's name (default: its id).")
    var name: String?

    @Flag(help: "Print exactly one JSON object: executionId, status, and output or error and cause.")
    var json = false

    @Flag(help: "Start the execution in a background process and print its id.")
    var detach = false

    @Flag(help: "Leave the execution to `flow worker` processes and print its id.")
    var queue = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if input != nil && inputFile != nil { throw ValidationError("give --input or --input-file, not both") }
      if detach && queue { throw ValidationError("give --detach or --queue, not both") }
    }

    func run() async throws {
      // Relative paths in the pipeline are resolved from the project root; the command's own from here.
      let paths = storeOptions.enterProjectRoot(keeping: [file, inputFile])
      let pipeline = try loadPipeline(paths[0]!, loader: storeOptions.loader)
      let executionInput = try ExecutionInput.build(defaults: pipeline.parameters, input: input, inputFile: paths[1], params: params)
      let store = try storeOptions.openStore()
      let view = ProgressView(enabled: !json && !storeOptions.quiet)
      let executor = storeOptions.executor(store: store, observer: detach || queue ? nil : view.observe)
      let record: ExecutionRecord
      do { record = try executor.start(pipeline, input: executionInput, name: name) } catch let error as ExecutorError {
        throw CLIError(error.message)
      }
      if detach || queue {
        try executor.release(record.id)
        if detach { try Detached.resume(record.id, store: storeOptions.storePath, localDirectory: storeOptions.localDirectory) }
        if json { print(JSONValue.object(["executionId": .string(record.id), "status": "RUNNING"]).serialized()) } else {
          print(record.id)
        }
        return
      }
      view.started(record)
      try await follow(record.id, executor: executor, view: view, json: json, pipeline: pipeline)
    }
  }
}

/// Runs an execution to its end in this process and reports it; shared by run, resume and redrive.
///
/// SIGINT or SIGTERM stops it gracefully (``Interruption``); the command then exits with 128 + the signal.
func follow(_ id: String, executor: Executor, view: ProgressView, json: Bool, pipeline: Pipeline? = nil) async throws {
  let running = Task { try await executor.run(id, pipeline: pipeline) }
  let interruption = Interruption(executionId: id, task: running)
  defer { interruption.cancel() }
  let final: ExecutionRecord
  do { final = try await running.value } catch {
    if let signal = interruption.signal {
      FileHandle.standardError.write(Data("""
        interrupted by \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): execution \(id) stopped; what had finished is saved.
        Continue it with: flow resume \(id)

        """.utf8))
      throw ExitCode(128 + signal)
    }
    if let error = error as? ExecutorError { throw CLIError(error.message) }
    throw error
  }
  report(final, json: json, view: view)
  if final.status != .succeeded { throw ExitCode.failure }
}

func report(_ record: ExecutionRecord, json: Bool, view: ProgressView) {
  if json {
    var o: JSONObject = ["executionId": .string(record.id), "status": .string(record.status.rawValue)]
    if record.status == .succeeded {
      o["output"] = record.output ?? .null
    } else {
      o["error"] = record.error.map(JSONValue.string) ?? .null
      o["cause"] = record.cause.map(JSONValue.string) ?? .null
    }
    print(JSONValue.object(o).serialized())
    return
  }
  view.finished(record)
  if !view.enabled, record.status != .succeeded {
    // `--quiet` drops the progress lines, never the reason a run failed.
    let reason = [record.error, record.cause].compactMap { $0 }.joined(separator: ": ")
    FileHandle.standardError.write(Data(
      "execution \(record.id) \(record.status.rawValue)\(reason.isEmpty ? " (no error or cause)" : ": \(reason)")\n".utf8))
  }
  if record.status == .succeeded {
    print((record.output ?? .null).serialized(pretty: true))
  }
}

/// Why the pipeline file at `path` can't be read (missing, a directory, not readable), in plain words; `nil`
/// when it can be. Checked before parsing so the message never shows Foundation's error codes.
func unreadablePipelineFile(_ path: String) -> String? {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isReadableFile(atPath: path) else {
    let error = CocoaError(.fileReadUnknown)
    return "\(path): error: cannot read the pipeline file: \(FileErrorReason.reason(for: error, path: path))"
  }
  return nil
}

/// Loads a pipeline file or throws the diagnostics as a validation failure.
func loadPipeline(_ path: String, loader: PipelineLoader) throws -> Pipeline {
  if let problem = unreadablePipelineFile(path) {
    FileHandle.standardError.write(Data((problem + "\n").utf8))
    throw ExitCode.validationFailure
  }
  do {
    return try loader.load(fileAt: path)
  } catch {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    throw ExitCode.validationFailure
  }
}
