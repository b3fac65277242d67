import FlowCore
import FlowExpressions

/// Turns a located tree into a ``PipelineDocument``: checks every field's name and type, compiles paths and
/// templates, and builds the model values, appending a diagnostic for each problem instead of stopping.
///
/// Problems that need the whole document (unknown targets, reachability, resources, …) are left to the validators.
struct DocumentDecoder {
  let path: String
  /// The directory of the pipeline file, against which `ItemReader` paths are resolved.
  let baseDirectory: String
  var diagnostics: [Diagnostic] = []
  /// The state machine's `QueryLanguage`, the default of every state in it (branches and item processors too).
  var topLanguage: QueryLanguage = .jsonPath

  init(path: String, baseDirectory: String) {
    self.path = path
    self.baseDirectory = baseDirectory
  }

  static let topLevelFields = ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage", "Flow"]
  static let flowFields = ["Name", "Parameters", "Schedule", "MaxHistoryEvents", "Resources"]

  mutating func decode(_ root: LocatedNode) -> PipelineDocument {
    var name = PipelineLoader.defaultName(forPath: path)
    var parameters = JSONObject()
    var schedule: JSONValue?
    var maxHistoryEvents: Int?
    var resources = JSONObject()
    if root.members == nil {
      error(.wrongType, "a pipeline must be a mapping with 'StartAt' and 'States', got \(article(root.typeName))", at: root.location)
    } else {
      checkFields(of: root, allowed: Self.topLevelFields, in: "the pipeline")
      if let flow = root["Flow"], object(flow, "'Flow'") {
        checkFields(of: flow, allowed: Self.flowFields, in: "the 'Flow' block")
        if let n = string(flow, "Name") {
          if n.value.isEmpty { error(.invalidValue, "'Name' must not be empty", at: n.location) } else { name = n.value }
        }
        if let p = flow["Parameters"], object(p, "'Parameters'") { parameters = p.json.objectValue ?? [:] }
        if let s = flow["Schedule"], object(s, "'Schedule'") { schedule = s.json }
        if let r = flow["Resources"], object(r, "'Resources'") { resources = decodeResources(r) }
        if let m = int(flow, "MaxHistoryEvents") {
          if m.value < 100 || m.value > 100_000_000 {
            error(.invalidValue, "'MaxHistoryEvents' must be from 100 to 100000000, got \(m.value)", at: m.location)
          } else {
            maxHistoryEvents = m.value
          }
        }
      }
      if let version = string(root, "Version"), version.value != "1.0" {
        error(.invalidValue, "'Version' must be \"1.0\", got \"\(version.value)\"", at: version.location)
      }
      _ = queryLanguage(root, state: false)
    }
    let machine = decodeScope(root, kind: .top)
    return PipelineDocument(path: path, root: root, name: name, parameters: parameters, schedule: schedule,
                            maxHistoryEvents: maxHistoryEvents, resources: resources, machine: machine)
  }

  /// `Flow.Resources`: each AWS resource name maps to the `Parameters` of a `flow:exec` step, without `Input`.
  mutating func decodeResources(_ node: LocatedNode) -> JSONObject {
    var resources = JSONObject()
    for member in node.members ?? [] {
      let name = member.key
      guard object(member.value, "the mapping of '\(name)'") else { continue }
      checkFields(of: member.value, allowed: ["Command", "Env", "WorkingDirectory", "ErrorName", "MaxOutputBytes"],
                  in: "the mapping of '\(name)'")
      guard let command = member.value["Command"] else {
        error(.missingField, "the mapping of '\(name)' needs a 'Command' (the program to run, as for flow:exec)",
              at: member.value.location)
        continue
      }
      let valid = command.json.stringValue.map { !$0.isEmpty }
        ?? command.json.arrayValue.map { !$0.isEmpty && $0.allSatisfy { $0.stringValue != nil } } ?? false
      guard valid else {
        error(.wrongType, "'Command' must be a non-empty string or array of strings", at: command.location)
        continue
      }
      resources[name] = member.value.json
    }
    return resources
  }

  /// Decodes `StartAt` and `States` of a state machine, a branch or an item processor.
  mutating func decodeScope(_ node: LocatedNode, kind: ScopeDocument.Kind) -> ScopeDocument {
    var timeout: Int?
    if kind != .top, object(node, describe(kind)) {
      var allowed = ["StartAt", "States", "Comment"]
      if case .processor = kind { allowed.append("ProcessorConfig") }
      checkFields(of: node, allowed: allowed, in: describe(kind))
    }
    if kind == .top, node.members != nil {
      if let t = int(node, "TimeoutSeconds") { timeout = t.value }
    }
    let startAt = node.members == nil ? nil : required(node, "StartAt", in: describe(kind)).flatMap { stringValue($0, "StartAt") }
    let comment = node.members == nil ? nil : string(node, "Comment")?.value
    var states: [StateDocument] = []
    if node.members != nil, let statesNode = required(node, "States", in: describe(kind)), object(statesNode, "'States'") {
      let members = statesNode.members ?? []
      if members.isEmpty { error(.missingField, "'States' must define at least one state", at: statesNode.location) }
      for member in members {
        let name = Located(value: member.key, location: member.keyLocation ?? member.value.location)
        states.append(decodeState(name: name, node: member.value))
      }
    }
    let machine = StateMachine(
      comment: comment, startAt: startAt?.value ?? "",
      states: Dictionary(states.compactMap { doc in doc.state.map { (doc.name.value, $0) } }, uniquingKeysWith: { a, _ in a }),
      order: states.map(\.name.value), timeoutSeconds: timeout)
    return ScopeDocument(kind: kind, node: node, startAt: startAt, states: states, machine: machine)
  }

  private func describe(_ kind: ScopeDocument.Kind) -> String {
    switch kind {
    case .top: "the pipeline"
    case .branch(let index, let parent): "branch \(index + 1) of '\(parent)'"
    case .processor(let parent): "the item processor of '\(parent)'"
    }
  }
}
