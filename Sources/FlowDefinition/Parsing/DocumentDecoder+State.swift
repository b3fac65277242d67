import FlowCore
import FlowExpressions

/// The fields every state type shares, then the type-specific ones.
extension DocumentDecoder {
  mutating func decodeState(name: Located<String>, node: LocatedNode) -> StateDocument {
    var document = StateDocument(name: name, node: node, state: nil, targets: [], isTerminal: false, scopes: [])
    document.transitionsKnown = false
    guard object(node, "state '\(name.value)'") else { return document }
    guard let typeNode = required(node, "Type", in: "state '\(name.value)'"), let type = stringValue(typeNode, "Type") else {
      return document
    }
    let language = queryLanguage(node)
    let jsonata = language == .jsonata
    guard let allowed = jsonata ? StateFields.allowedJSONata(for: type.value) : StateFields.allowed(for: type.value) else {
      error(.unknownStateType, "'\(type.value)' is not a state type (one of \(StateFields.types.joined(separator: ", ")))",
            at: type.location, hint: StateFields.types.closestMatch(to: type.value).didYouMean)
      return document
    }
    let what = "\(type.value) state '\(name.value)'"
    checkFields(of: node, allowed: allowed, in: what, knownElsewhere: StateFields.all, language: language)

    var targetsMissing = false
    var state = State(name: name.value, kind: .succeed, comment: string(node, "Comment")?.value, transition: nil,
                      location: name.location)
    if allowed.contains("Next") {
      state.transition = transition(of: node, in: what)
      if case .next(let target) = state.transition {
        document.targets.append(Located(value: target, location: node.location(at: "Next")))
      }
    }
    if jsonata {
      state.jsonata = jsonataFields(in: node, arguments: allowed.contains("Arguments"))
    } else {
      state.inputPath = optionalPath(in: node, "InputPath")
      state.outputPath = optionalPath(in: node, "OutputPath")
      state.resultPath = resultPath(in: node)
      // A Map state's `Parameters` is its legacy item selector, decoded with the Map fields.
      if type.value != "Map" { state.parameters = template(in: node, "Parameters", requireObject: false) }
      state.resultSelector = template(in: node, "ResultSelector")
      state.assign = assign(in: node)
    }
    if allowed.contains("Retry") {
      state.retry = retriers(in: node)
      let catchers = catchers(in: node, language: language)
      state.catchers = catchers.map(\.catcher)
      document.targets += catchers.compactMap(\.next)
      targetsMissing = catchers.contains { $0.next == nil }
    }

    switch type.value {
    case "Pass": state.kind = .pass(PassState(result: jsonata ? nil : node["Result"]?.json))
    case "Task": state.kind = .task(task(node, in: what, language: language))
    case "Choice":
      let (choice, targets) = choiceState(node, in: what, language: language)
      state.kind = .choice(choice)
      document.targets += targets
      targetsMissing = targetsMissing || choice.choices.contains { $0.next.isEmpty }
    case "Wait": state.kind = .wait(jsonata ? jsonataWait(node, in: what) : wait(node, in: what))
    case "Succeed": state.kind = .succeed
    case "Fail": state.kind = .fail(jsonata ? FailState(error: jsonataString(in: node, "Error"), cause: jsonataString(in: node, "Cause")) : fail(node))
    case "Parallel":
      let branches = parallelBranches(node, stateName: name.value)
      state.kind = .parallel(ParallelState(branches: branches.map(\.machine)))
      document.scopes = branches
    case "Map":
      let (map, processor) = mapState(node, stateName: name.value, language: language)
      state.kind = .map(map)
      document.scopes = [processor]
    default: break
    }
    document.isTerminal = state.transition == .end || type.value == "Succeed" || type.value == "Fail"
    document.transitionsKnown = !targetsMissing && (!allowed.contains("Next") || state.transition != nil)
    document.state = state
    return document
  }

  /// `Next: NAME` or `End: true`, exactly one.
  private mutating func transition(of node: LocatedNode, in what: String) -> Transition? {
    let next = string(node, "Next")
    let end = bool(node, "End")
    if let end, !end.value {
      error(.invalidValue, "'End' can only be true; use 'Next' to continue", at: end.location)
    }
    switch (next, end?.value == true) {
    case (let next?, false): return .next(next.value)
    case (_?, true):
      error(.conflictingFields, "'Next' and 'End' cannot be used together", at: node.keyLocation("End"))
      return nil
    case (nil, true): return .end
    case (nil, false):
      // Report a missing transition only if the fields were not there at all (a wrong type was already reported).
      if node["Next"] == nil && node["End"] == nil {
        error(.missingField, "\(what) needs 'Next' or 'End: true'", at: node.location)
      }
      return nil
    }
  }

  private mutating func task(_ node: LocatedNode, in what: String, language: QueryLanguage) -> TaskState {
    let resource = required(node, "Resource", in: what).flatMap { stringValue($0, "Resource") }
    if let resource, resource.value.isEmpty {
      error(.invalidValue, "'Resource' must name a step, such as flow:exec", at: resource.location)
    }
    var task = TaskState(resource: resource?.value ?? "")
    if language == .jsonata {
      task.timeout = jsonataNumber(in: node, "TimeoutSeconds", integer: true)
      task.heartbeat = jsonataNumber(in: node, "HeartbeatSeconds", integer: true)
    } else {
      task.timeout = numberSource(in: node, "TimeoutSeconds", integer: true)
      task.heartbeat = numberSource(in: node, "HeartbeatSeconds", integer: true)
    }
    if let credentials = node["Credentials"], object(credentials, "'Credentials'") { task.credentials = credentials.json }
    return task
  }

  private mutating func wait(_ node: LocatedNode, in what: String) -> WaitState {
    let keys = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
    guard let key = exclusive(node, keys) else {
      error(.missingField, "\(what) needs one of \(keys.map { "'\($0)'" }.joined(separator: ", "))", at: node.location)
      return WaitState(duration: .seconds(0))
    }
    switch key {
    case "Seconds":
      return WaitState(duration: .seconds(int(node, "Seconds")?.value ?? 0))
    case "Timestamp":
      if let stamp = string(node, "Timestamp") {
        if RFC3339Timestamp(stamp.value) == nil {
          error(.invalidTimestamp, "'Timestamp' is not an RFC 3339 timestamp: '\(stamp.value)'", at: stamp.location,
                hint: "for example 2025-01-31T09:30:00Z")
        }
        return WaitState(duration: .timestamp(stamp.value))
      }
    case "SecondsPath":
      if let p = path(in: node, "SecondsPath") { return WaitState(duration: .secondsPath(p)) }
    default:
      if let p = path(in: node, "TimestampPath") { return WaitState(duration: .timestampPath(p)) }
    }
    return WaitState(duration: .seconds(0))
  }

  /// A JSONata Wait: `Seconds` or `Timestamp`, each a literal or a `{% … %}` expression.
  private mutating func jsonataWait(_ node: LocatedNode, in what: String) -> WaitState {
    guard let key = exclusive(node, ["Seconds", "Timestamp"]), let value = node[key] else {
      error(.missingField, "\(what) needs 'Seconds' or 'Timestamp'", at: node.location)
      return WaitState(duration: .seconds(0))
    }
    if let text = value.string, JSONataTemplate.expressionText(text) != nil {
      guard let template = jsonata(value, key) else { return WaitState(duration: .seconds(0)) }
      return WaitState(duration: key == "Seconds" ? .secondsExpression(template) : .timestampExpression(template))
    }
    return wait(node, in: what)
  }

  private mutating func fail(_ node: LocatedNode) -> FailState {
    exclusive(node, ["Error", "ErrorPath"])
    exclusive(node, ["Cause", "CausePath"])
    return FailState(error: stringSource(in: node, value: "Error", path: "ErrorPath"),
                     cause: stringSource(in: node, value: "Cause", path: "CausePath"))
  }

  private mutating func parallelBranches(_ node: LocatedNode, stateName: String) -> [ScopeDocument] {
    guard let branchesNode = required(node, "Branches", in: "Parallel state '\(stateName)'") else { return [] }
    guard let branches = branchesNode.items else {
      wrongType("'Branches'", expected: "a list of state machines", got: branchesNode)
      return []
    }
    if branches.isEmpty { error(.missingField, "'Branches' must have at least one branch", at: branchesNode.location) }
    return branches.enumerated().map { index, branch in decodeScope(branch, kind: .branch(index: index, of: stateName)) }
  }
}
