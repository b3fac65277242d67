import FlowCore

/// A validated state machine: the ASL part of a pipeline file (or a Parallel branch / Map processor).
public struct StateMachine: Sendable {
  public var comment: String?
  /// The state the machine starts in.
  public var startAt: String
  /// Every state by name.
  public var states: [String: State]
  /// State names in the order they were written (for graphs and listings).
  public var order: [String]
  /// Execution timeout (top level only).
  public var timeoutSeconds: Int?

  public init(comment: String? = nil, startAt: String, states: [String: State], order: [String], timeoutSeconds: Int? = nil) {
    self.comment = comment
    self.startAt = startAt
    self.states = states
    self.order = order
    self.timeoutSeconds = timeoutSeconds
  }
}

/// A loaded pipeline file: the state machine plus flow's own settings from the `Flow:` block.
public struct Pipeline: Sendable {
  /// `Flow.Name`, or the file name without its extension.
  public var name: String
  /// The path the pipeline was loaded from, as given.
  public var path: String
  /// `Flow.Parameters`: defaults of the execution input (an object, possibly empty).
  public var parameters: JSONObject
  /// `Flow.Schedule`, kept as written (a later module interprets it).
  public var schedule: JSONValue?
  /// The state machine.
  public var machine: StateMachine
  /// The whole file as JSON (with the `Flow` block), so the store can keep the exact definition an execution ran.
  public var document: JSONValue
  /// `Flow.MaxHistoryEvents`: this pipeline's own limit on history events per execution, when set.
  public var maxHistoryEvents: Int?

  public init(name: String, path: String, parameters: JSONObject, schedule: JSONValue?, machine: StateMachine, document: JSONValue,
              maxHistoryEvents: Int? = nil) {
    self.maxHistoryEvents = maxHistoryEvents
    self.name = name
    self.path = path
    self.parameters = parameters
    self.schedule = schedule
    self.machine = machine
    self.document = document
  }
}
