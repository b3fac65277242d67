import FlowCore
import FlowExpressions

/// One state of a state machine, with the fields every state type shares.
public struct State: Sendable {
  public var name: String
  public var kind: Kind
  public var comment: String?
  /// Where to go after the state: `Next` or `End`. `nil` for Choice, Succeed and Fail.
  public var transition: Transition?
  /// `InputPath`: `.path` (default `$`), or `.null` for `InputPath: null` (the input becomes `{}`).
  public var inputPath: OptionalPath
  /// `OutputPath`, as `InputPath`.
  public var outputPath: OptionalPath
  /// `Parameters` (Pass, Task, Parallel; legacy Map `Parameters` goes to ``MapState/itemSelector``).
  public var parameters: PayloadTemplate?
  /// `ResultSelector` (Task, Parallel, Map).
  public var resultSelector: PayloadTemplate?
  /// `ResultPath`: `.path` (default `$`), or `.null` to discard the result and keep the input.
  public var resultPath: OptionalResultPath
  /// `Assign`: variables set after the state, evaluated against its input and result.
  public var assign: PayloadTemplate?
  /// `Retry` rules in order (Task, Parallel, Map).
  public var retry: [Retrier]
  /// `Catch` rules in order (Task, Parallel, Map).
  public var catchers: [Catcher]
  /// Where the state's definition starts, when it came from a file.
  public var location: SourceLocation?
  /// `Arguments`, `Output` and `Assign` of a state in the JSONata query language; `nil` for a JSONPath state
  /// (whose paths and templates are the fields above).
  public var jsonata: JSONataFields?

  public init(
    name: String, kind: Kind, comment: String? = nil, transition: Transition?,
    inputPath: OptionalPath = .path(nil), outputPath: OptionalPath = .path(nil),
    parameters: PayloadTemplate? = nil, resultSelector: PayloadTemplate? = nil,
    resultPath: OptionalResultPath = .path(nil), assign: PayloadTemplate? = nil,
    retry: [Retrier] = [], catchers: [Catcher] = [], location: SourceLocation? = nil
  ) {
    self.name = name
    self.kind = kind
    self.comment = comment
    self.transition = transition
    self.inputPath = inputPath
    self.outputPath = outputPath
    self.parameters = parameters
    self.resultSelector = resultSelector
    self.resultPath = resultPath
    self.assign = assign
    self.retry = retry
    self.catchers = catchers
    self.location = location
  }

  /// The state's type and its type-specific fields.
  public enum Kind: Sendable {
    case pass(PassState)
    case task(TaskState)
    case choice(ChoiceState)
    case wait(WaitState)
    case succeed
    case fail(FailState)
    case parallel(ParallelState)
    case map(MapState)
  }

  /// The `Type` name as written in the file.
  public var typeName: String {
    switch kind {
    case .pass: "Pass"
    case .task: "Task"
    case .choice: "Choice"
    case .wait: "Wait"
    case .succeed: "Succeed"
    case .fail: "Fail"
    case .parallel: "Parallel"
    case .map: "Map"
    }
  }
}

/// `Next: NAME` or `End: true`.
public enum Transition: Hashable, Sendable {
  case next(String)
  case end
}

/// An `InputPath`/`OutputPath` value: a path (`nil` meaning the default `$`) or JSON `null`.
public enum OptionalPath: Hashable, Sendable {
  case path(JSONPath?)
  case null
}

/// A `ResultPath` value: a reference path (`nil` meaning the default `$`) or JSON `null`.
public enum OptionalResultPath: Hashable, Sendable {
  case path(ReferencePath?)
  case null
}

/// A number given literally or read from a path at run time (`TimeoutSeconds` / `TimeoutSecondsPath`, …).
public enum NumberSource: Hashable, Sendable {
  case value(Double)
  case path(JSONPath)
  /// A `{% … %}` expression (JSONata states).
  case jsonata(JSONataTemplate)
}

/// A string given literally or read from a path at run time (`Error` / `ErrorPath`, …).
/// An `ErrorPath`/`CausePath` may also be an intrinsic function call.
public enum StringSource: Hashable, Sendable {
  case value(String)
  case path(JSONPath)
  case intrinsic(IntrinsicFunction)
  /// A `{% … %}` expression (JSONata states).
  case jsonata(JSONataTemplate)
}
