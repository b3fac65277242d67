import FlowCore

/// Where one scope of an execution stands: the state it is in, that state's raw input, and what part of
/// the state has durably happened. It is all a resumed execution needs to continue the scope.
struct Position: Sendable, Equatable {
  /// What part of the current state has durably happened.
  enum Phase: Sendable, Equatable {
    /// Nothing yet beyond entering.
    case ready
    /// A task attempt was started (and may have run): after a crash it runs again with the next attempt number.
    /// `deadline` is when its `TimeoutSeconds` runs out (seconds since 1970).
    case task(attempt: Int, token: String?, deadline: Double?)
    /// A `.waitForTaskToken` step returned: only the answer to `token` is awaited (the step never runs again).
    case awaitingToken(token: String, deadline: Double?)
    /// A retry back-off until this time (seconds since 1970).
    case retry(until: Double)
    /// A Wait state sleeping until this time.
    case waiting(until: Double)
    /// A Parallel's branches or a Map's iterations run; `started` is the id of the `…StateStarted` event.
    case children(started: Int)
  }

  /// A Map iteration's state name and index (for its `MapIteration…` events); nil for other scopes.
  struct Iteration: Sendable, Equatable {
    var name: String
    var index: Int
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
  var iteration: Iteration?
  /// True once the scope has entered its first state (a Map iteration's `MapIterationStarted` is written then).
  var begun: Bool = false
  /// True once the current activity task's `ActivityStarted` is recorded (a worker took it).
  var activityStarted = false

  init(state: String, input: JSONValue, previousEvent: Int, variables: [String: JSONValue], iteration: Iteration? = nil) {
    self.state = state
    self.input = input
    self.previousEvent = previousEvent
    self.variables = variables
    self.iteration = iteration
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
    activityStarted = false
  }
}
