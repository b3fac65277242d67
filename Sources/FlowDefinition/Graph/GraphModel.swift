/// A state machine as nodes and edges with stable identifiers, shared by the Mermaid and DOT renderers.
/// States are numbered `s0`, `s1`, … in writing order, a scope's own states before those of its nested scopes.
struct GraphModel {
  enum Shape { case task, pass, choice, wait, succeed, fail, parallel, map }

  struct Node {
    var id: String
    var name: String
    var shape: Shape
    /// Parallel branches or the Map processor, drawn inside this node's subgraph.
    var scopes: [Scope] = []
  }

  struct Edge {
    var from: String
    var to: String
    var label: String?
    var dashed = false
  }

  struct Scope {
    var id: String
    var label: String
    var nodes: [Node] = []
    var edges: [Edge] = []
    /// The id of the node `StartAt` names.
    var startID: String?
  }

  static let startID = "__start"
  static let endID = "__end"

  var top: Scope

  init(_ machine: StateMachine) {
    var counter = 0
    top = Self.scope(machine, id: "top", label: "", counter: &counter, isTop: true)
  }

  private static func scope(_ machine: StateMachine, id: String, label: String, counter: inout Int, isTop: Bool) -> Scope {
    var result = Scope(id: id, label: label)
    var ids: [String: String] = [:]
    for name in machine.order {
      ids[name] = "s\(counter)"
      counter += 1
    }
    result.startID = ids[machine.startAt]
    if isTop, let start = result.startID { result.edges.append(Edge(from: startID, to: start)) }
    for name in machine.order {
      guard let state = machine.states[name], let id = ids[name] else { continue }
      var node = Node(id: id, name: name, shape: shape(of: state.kind))
      switch state.kind {
      case .parallel(let parallel):
        node.scopes = parallel.branches.enumerated().map { index, branch in
          scope(branch, id: "\(id)_b\(index + 1)", label: "Branch \(index + 1)", counter: &counter, isTop: false)
        }
      case .map(let map):
        node.scopes = [scope(map.processor, id: "\(id)_items", label: map.label ?? "Each item", counter: &counter, isTop: false)]
      case .choice(let choice):
        for rule in choice.choices {
          if let to = ids[rule.next] { result.edges.append(Edge(from: id, to: to, label: rule.condition.summary)) }
        }
        if let defaultNext = choice.defaultNext, let to = ids[defaultNext] {
          result.edges.append(Edge(from: id, to: to, label: "Default"))
        }
      default: break
      }
      switch state.transition {
      case .next(let next)?:
        if let to = ids[next] { result.edges.append(Edge(from: id, to: to)) }
      case .end?:
        if isTop { result.edges.append(Edge(from: id, to: endID)) }
      case nil:
        if isTop, case .succeed = state.kind { result.edges.append(Edge(from: id, to: endID)) }
      }
      for catcher in state.catchers {
        if let to = ids[catcher.next] {
          result.edges.append(Edge(from: id, to: to, label: catcher.errorEquals.joined(separator: ", "), dashed: true))
        }
      }
      result.nodes.append(node)
    }
    return result
  }

  private static func shape(of kind: State.Kind) -> Shape {
    switch kind {
    case .pass: .pass
    case .task: .task
    case .choice: .choice
    case .wait: .wait
    case .succeed: .succeed
    case .fail: .fail
    case .parallel: .parallel
    case .map: .map
    }
  }

  /// True when a node is drawn as a subgraph.
  static func isCluster(_ node: Node) -> Bool { node.shape == .parallel || node.shape == .map }

  /// Every node of `scope` and its nested scopes, by id.
  static func nodesByID(in scope: Scope) -> [String: Node] {
    var result: [String: Node] = [:]
    for node in scope.nodes {
      result[node.id] = node
      for inner in node.scopes { result.merge(nodesByID(in: inner)) { a, _ in a } }
    }
    return result
  }
}
