import FlowCore

/// The stored form of a ``Position`` (the `position` column of a scope).
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
    o["begun"] = .bool(begun)
    if activityStarted { o["activityStarted"] = true }
    switch phase {
    case .ready: o["phase"] = "ready"
    case .task(let attempt, let token, let deadline):
      o["phase"] = "task"
      o["attempt"] = .int(attempt)
      if let token { o["token"] = .string(token) }
      if let deadline { o["deadline"] = .double(deadline) }
    case .awaitingToken(let token, let deadline):
      o["phase"] = "awaitingToken"
      o["token"] = .string(token)
      if let deadline { o["deadline"] = .double(deadline) }
    case .retry(let until):
      o["phase"] = "retry"
      o["until"] = .double(until)
    case .waiting(let until):
      o["phase"] = "waiting"
      o["until"] = .double(until)
    case .children(let started):
      o["phase"] = "children"
      o["started"] = .int(started)
    }
    if let iteration { o["iteration"] = ["name": .string(iteration.name), "index": .int(iteration.index)] }
    o["variables"] = .object(JSONObject(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }))
    return .object(o)
  }

  init(json: JSONValue) throws {
    guard let state = json["state"]?.stringValue, let input = json["input"] else {
      throw StoreError("store: a stored position is incomplete", code: .corrupt)
    }
    var variables: [String: JSONValue] = [:]
    for (key, value) in json["variables"]?.objectValue ?? [:] { variables[key] = value }
    var iteration: Iteration?
    if let name = json["iteration"]?["name"]?.stringValue, let index = json["iteration"]?["index"]?.intValue {
      iteration = Iteration(name: name, index: index)
    }
    self.init(state: state, input: input, previousEvent: json["previousEvent"]?.intValue ?? 0, variables: variables,
              iteration: iteration)
    visit = json["visit"]?.intValue ?? 0
    enteredEvent = json["enteredEvent"]?.intValue ?? 0
    enteredTime = json["enteredTime"]?.doubleValue ?? 0
    retryCount = json["retryCount"]?.intValue ?? 0
    retrierAttempts = json["retrierAttempts"]?.arrayValue?.compactMap(\.intValue) ?? []
    attempts = json["attempts"]?.intValue ?? 0
    begun = json["begun"]?.boolValue ?? true
    activityStarted = json["activityStarted"]?.boolValue ?? false
    let token = json["token"]?.stringValue
    let deadline = json["deadline"]?.doubleValue
    switch json["phase"]?.stringValue {
    case "task": phase = .task(attempt: json["attempt"]?.intValue ?? attempts, token: token, deadline: deadline)
    case "awaitingToken" where token != nil: phase = .awaitingToken(token: token!, deadline: deadline)
    case "retry": phase = .retry(until: json["until"]?.doubleValue ?? 0)
    case "waiting": phase = .waiting(until: json["until"]?.doubleValue ?? 0)
    case "children": phase = .children(started: json["started"]?.intValue ?? 0)
    default: phase = .ready
    }
  }
}
