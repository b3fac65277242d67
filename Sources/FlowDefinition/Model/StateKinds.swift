import FlowCore
import FlowExpressions

/// `Type: Pass`.
public struct PassState: Sendable {
  /// `Result`: a literal value (`.$` keys in it are not evaluated).
  public var result: JSONValue?
  public init(result: JSONValue?) { self.result = result }
}

/// `Type: Task`.
public struct TaskState: Sendable {
  /// `Resource` as written, e.g. `flow:exec` or `flow:approve.waitForTaskToken`.
  public var resource: String
  /// `TimeoutSeconds` / `TimeoutSecondsPath` (default: none for flow steps).
  public var timeout: NumberSource?
  /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
  public var heartbeat: NumberSource?
  /// `Credentials`, kept as written (unused locally).
  public var credentials: JSONValue?

  public init(resource: String, timeout: NumberSource? = nil, heartbeat: NumberSource? = nil, credentials: JSONValue? = nil) {
    self.resource = resource
    self.timeout = timeout
    self.heartbeat = heartbeat
    self.credentials = credentials
  }

  /// True for the callback pattern (`Resource` ending in `.waitForTaskToken`).
  public var waitsForTaskToken: Bool { resource.hasSuffix(".waitForTaskToken") }
}

/// `Type: Choice`.
public struct ChoiceState: Sendable {
  /// `Choices`, each a top-level rule with its `Next`.
  public var choices: [ChoiceRule]
  /// `Default`.
  public var defaultNext: String?
  public init(choices: [ChoiceRule], defaultNext: String?) {
    self.choices = choices
    self.defaultNext = defaultNext
  }
}

/// `Type: Wait`.
public struct WaitState: Sendable {
  public enum Duration: Sendable {
    case seconds(Int)
    case secondsPath(JSONPath)
    /// An RFC 3339 timestamp as written.
    case timestamp(String)
    case timestampPath(JSONPath)
    /// JSONata `Seconds: "{% … %}"`.
    case secondsExpression(JSONataTemplate)
    /// JSONata `Timestamp: "{% … %}"`.
    case timestampExpression(JSONataTemplate)
  }
  public var duration: Duration
  public init(duration: Duration) { self.duration = duration }
}

/// `Type: Fail`.
public struct FailState: Sendable {
  /// `Error` / `ErrorPath`.
  public var error: StringSource?
  /// `Cause` / `CausePath`.
  public var cause: StringSource?
  public init(error: StringSource?, cause: StringSource?) {
    self.error = error
    self.cause = cause
  }
}

/// `Type: Parallel`.
public struct ParallelState: Sendable {
  public var branches: [StateMachine]
  public init(branches: [StateMachine]) { self.branches = branches }
}

/// A DISTRIBUTED Map's `ResultWriter`: the results go under the artifact directory instead of S3, formatted by
/// `WriterConfig` (AWS's fields).
///
/// As on AWS: `Resource` (`flow:artifacts`) with `Parameters` exports the results to files; `WriterConfig` alone
/// formats the Map's output without writing files; all three format the files.
public struct ResultWriter: Sendable, Equatable {
  /// `WriterConfig.Transformation`: what each child contributes to the results.
  public enum Transformation: String, Sendable, Equatable, CaseIterable {
    /// The child's output with its execution's metadata (ARN, input, status, dates); AWS's default when exporting.
    case none = "NONE"
    /// The child's output alone; AWS's default when not exporting.
    case compact = "COMPACT"
    /// The child's output alone, an array output spliced into the results (one level).
    case flatten = "FLATTEN"
  }
  /// `WriterConfig.OutputType`: how a result file holds its entries.
  public enum OutputType: String, Sendable, Equatable, CaseIterable {
    /// One JSON array per file (`SUCCEEDED_0.json`).
    case json = "JSON"
    /// One JSON value per line (`SUCCEEDED_0.jsonl`).
    case jsonl = "JSONL"
  }

  /// True when `Resource` is given: the results are written to files (else only the Map's output is formatted).
  public var exports: Bool
  /// `Parameters.Prefix`: the directory (under the artifact directory) the Map Run's files go in; empty for none.
  public var prefix: String
  public var transformation: Transformation
  public var outputType: OutputType

  /// - Parameters:
  ///   - transformation: default `NONE` when exporting, `COMPACT` otherwise (AWS's defaults).
  public init(exports: Bool = true, prefix: String, transformation: Transformation? = nil, outputType: OutputType = .json) {
    self.exports = exports
    self.prefix = prefix
    self.transformation = transformation ?? (exports ? .none : .compact)
    self.outputType = outputType
  }
}

/// `Type: Map`.
public struct MapState: Sendable {
  /// `ItemsPath` (default `$`).
  public var itemsPath: JSONPath?
  /// `ItemSelector`, or the legacy `Parameters` of a Map state.
  public var itemSelector: PayloadTemplate?
  /// JSONata `Items` (default: the state input, which must be an array).
  public var items: JSONataTemplate?
  /// JSONata `ItemSelector`.
  public var itemSelectorExpression: JSONataTemplate?
  /// `ItemProcessor`, or the legacy `Iterator`.
  public var processor: StateMachine
  /// `ItemProcessor.ProcessorConfig`, kept as written.
  public var processorConfig: JSONValue?
  /// The item processor as a standalone state machine document (`StartAt`, `States`, the enclosing `QueryLanguage`),
  /// which a DISTRIBUTED Map's child executions run.
  public var processorDocument: JSONValue?
  /// `ResultWriter` of a DISTRIBUTED Map (`Resource: flow:artifacts`).
  public var resultWriter: ResultWriter?
  /// True for `ProcessorConfig.Mode: DISTRIBUTED`: items run as child executions (a Map Run) that any worker claims.
  public var isDistributed: Bool { processorConfig?["Mode"]?.stringValue == "DISTRIBUTED" }
  /// `MaxConcurrency` / `MaxConcurrencyPath`; 0 or absent means no limit.
  public var maxConcurrency: NumberSource?
  /// `ToleratedFailurePercentage` / `ToleratedFailurePercentagePath`.
  public var toleratedFailurePercentage: NumberSource?
  /// `ToleratedFailureCount` / `ToleratedFailureCountPath`.
  public var toleratedFailureCount: NumberSource?
  /// `ItemBatcher`.
  public var itemBatcher: ItemBatcher?
  /// `ItemReader`: a local file instead of S3.
  public var itemReader: ItemReader?
  /// `Label`, kept for display.
  public var label: String?

  public init(
    itemsPath: JSONPath?, itemSelector: PayloadTemplate?, processor: StateMachine, processorConfig: JSONValue? = nil,
    maxConcurrency: NumberSource? = nil, toleratedFailurePercentage: NumberSource? = nil,
    toleratedFailureCount: NumberSource? = nil, itemBatcher: ItemBatcher? = nil, itemReader: ItemReader? = nil,
    label: String? = nil
  ) {
    self.itemsPath = itemsPath
    self.itemSelector = itemSelector
    self.processor = processor
    self.processorConfig = processorConfig
    self.maxConcurrency = maxConcurrency
    self.toleratedFailurePercentage = toleratedFailurePercentage
    self.toleratedFailureCount = toleratedFailureCount
    self.itemBatcher = itemBatcher
    self.itemReader = itemReader
    self.label = label
  }
}

/// `ItemBatcher`: groups items into `{"Items": [...], ...BatchInput}` batches.
public struct ItemBatcher: Sendable {
  public var maxItemsPerBatch: NumberSource?
  public var maxInputBytesPerBatch: NumberSource?
  /// `BatchInput`: a template merged into every batch.
  public var batchInput: PayloadTemplate?
  public init(maxItemsPerBatch: NumberSource?, maxInputBytesPerBatch: NumberSource?, batchInput: PayloadTemplate?) {
    self.maxItemsPerBatch = maxItemsPerBatch
    self.maxInputBytesPerBatch = maxInputBytesPerBatch
    self.batchInput = batchInput
  }
}

/// `ItemReader` reading a local file: `Parameters: {Path: data/items.csv}` (or `Path.$`),
/// `ReaderConfig: {InputType: JSON | JSONL | CSV, CSVHeaderLocation: FIRST_ROW | GIVEN, CSVHeaders: [...], MaxItems: N}`.
public struct ItemReader: Sendable {
  public enum InputType: String, Sendable { case json = "JSON", jsonLines = "JSONL", csv = "CSV" }
  /// The `Parameters` template; evaluated at run time, it must give `{"Path": "..."}`.
  public var parameters: PayloadTemplate
  public var inputType: InputType
  /// `CSVHeaders` when `CSVHeaderLocation: GIVEN`; `nil` reads them from the first row.
  public var csvHeaders: [String]?
  public var maxItems: NumberSource?
  /// The directory relative paths are resolved against: the project root when run by the CLI (``PipelineLoader/baseDirectory``), else the pipeline file's directory.
  public var baseDirectory: String
  public init(parameters: PayloadTemplate, inputType: InputType, csvHeaders: [String]?, maxItems: NumberSource?, baseDirectory: String) {
    self.parameters = parameters
    self.inputType = inputType
    self.csvHeaders = csvHeaders
    self.maxItems = maxItems
    self.baseDirectory = baseDirectory
  }
}
