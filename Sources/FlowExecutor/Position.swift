import FlowCore

/// Where one scope of an execution stands: the state it is in, that state's raw input, and what part of
/// the state has durably happened. It is all a resumed execution needs to continue the scope.
struct Position: Sendable {
  /// What part of the current state has durably happened.
  enum Phase: Sendable, Equatable {
    /// Nothing yet beyond entering.
    case ready
    /// A task attempt was started (and may have run): after a crash it runs again with the next attempt number.
    case task(attempt: Int, token: String?)
    /// A retry back-off until this time (seconds since 1970).
    case retry(until: Double)
    /// A Wait state sleeping until this time.
    case waiting(until: Double)
  }

  var state: String
  var input: JSONValue
  /// How many states this scope has entered before this one: distinguishes visits of the same state in a loop.
  var visit: Int = 0
  /// The id of the last event of this scope, which the next event follows from.
  var previousEvent: Int
  /// The id of the current state's `…StateEntered` event, 0 while not entered.
  var enteredEvent: Int = 0
  var enteredTime: Double = 0
  /// Retries of the current state so far (`$$.State.RetryCount`).
  var retryCount: Int = 0
  /// Retries per `Retry` rule of the current state.
  var retrierAttempts: [Int] = []
  /// Task attempts started in this visit, crashes included.
  var attempts: Int = 0
  var phase: Phase = .ready
  /// The variables this scope sees: the outer scopes' and its own.
  var variables: [String: JSONValue]

  init(state: String, input: JSONValue, previousEvent: Int, variables: [String: JSONValue]) {
    self.state = state
    self.input = input
    self.previousEvent = previousEvent
    self.variables = variables
  }

  /// Moves to the next state, keeping the variables and the event chain.
  mutating func advance(to next: String, input: JSONValue) {
    state = next
    self.input = input
    visit += 1
    enteredEvent = 0
    retryCount = 0
    retrierAttempts = []
    attempts = 0
    phase = .ready
  }
}

extension Position {
  var json: JSONValue {
    var o = JSONObject()
    o["state"] = .string(state)
    o["input"] = input
    o["visit"] = .int(visit)
    o["previousEvent"] = .int(previousEvent)
    o["enteredEvent"] = .int(enteredEvent)
    o["enteredTime"] = .double(enteredTime)
    o["retryCount"] = .int(retryCount)
    o["retrierAttempts"] = .array(retrierAttempts.map(JSONValue.int))
    o["attempts"] = .int(attempts)
    switch phase {
    case .ready: o["phase"] = "ready"
    case .task(let attempt, let token):
      o["phase"] = "task"
      o["attempt"] = .int(attempt)
      if let token { o["token"] = .string(token) }
    case .retry(let until):
      o["phase"] = "retry"
      o["until"] = .double(until)
    case .waiting(let until):
      o["phase"] = "waiting"
      o["until"] = .double(until)
    }
    o["variables"] = .object(JSONObject(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }))
    return .object(o)
  }

  init(json: JSONValue) throws {
    guard let state = json["state"]?.stringValue, let input = json["input"] else {
      throw StoreError("store: a stored position is incomplete")
    }
    var variables: [String: JSONValue] = [:]
    for (key, value) in json["variables"]?.objectValue ?? [:] { variables[key] = value }
    self.init(state: state, input: input, previousEvent: json["previousEvent"]?.intValue ?? 0, variables: variables)
    visit = json["visit"]?.intValue ?? 0
    enteredEvent = json["enteredEvent"]?.intValue ?? 0
    enteredTime = json["enteredTime"]?.doubleValue ?? 0
    retryCount = json["retryCount"]?.intValue ?? 0
    retrierAttempts = json["retrierAttempts"]?.arrayValue?.compactMap(\.intValue) ?? []
    attempts = json["attempts"]?.intValue ?? 0
    switch json["phase"]?.stringValue {
    case "task": phase = .task(attempt: json["attempt"]?.intValue ?? attempts, token: json["token"]?.stringValue)
    case "retry": phase = .retry(until: json["until"]?.doubleValue ?? 0)
    case "waiting": phase = .waiting(until: json["until"]?.doubleValue ?? 0)
    default: phase = .ready
    }
  }
}
