/// Writes a ``GraphModel`` as a Mermaid flowchart.
struct MermaidRenderer {
  let graph: GraphModel

  func render() -> String {
    var lines = ["flowchart TD"]
    lines.append("  \(GraphModel.startID)((\"Start\"))")
    write(graph.top, indent: "  ", into: &lines)
    if containsEnd(graph.top) { lines.append("  \(GraphModel.endID)((\"End\"))") }
    lines.append("  classDef fail fill:#fde2e2,stroke:#c0392b")
    lines.append("  classDef succeed fill:#e2f6e2,stroke:#27ae60")
    let all = GraphModel.nodesByID(in: graph.top).values.sorted { $0.id < $1.id }
    for node in all where node.shape == .fail { lines.append("  class \(node.id) fail") }
    for node in all where node.shape == .succeed { lines.append("  class \(node.id) succeed") }
    return lines.joined(separator: "\n") + "\n"
  }

  private func containsEnd(_ scope: GraphModel.Scope) -> Bool {
    scope.edges.contains { $0.to == GraphModel.endID }
  }

  private func write(_ scope: GraphModel.Scope, indent: String, into lines: inout [String]) {
    for node in scope.nodes {
      if GraphModel.isCluster(node) {
        let kind = node.shape == .parallel ? "Parallel" : "Map"
        lines.append("\(indent)subgraph \(node.id) [\"\(escape(node.name)) (\(kind))\"]")
        lines.append("\(indent)  direction TB")
        for inner in node.scopes {
          if node.scopes.count > 1 || node.shape == .map {
            lines.append("\(indent)  subgraph \(inner.id) [\"\(escape(inner.label))\"]")
            write(inner, indent: indent + "    ", into: &lines)
            lines.append("\(indent)  end")
          } else {
            write(inner, indent: indent + "  ", into: &lines)
          }
        }
        lines.append("\(indent)end")
      } else {
        lines.append(indent + shaped(node))
      }
    }
    for edge in scope.edges {
      let arrow = edge.dashed ? "-.->" : "-->"
      let label = edge.label.map { "|\"\(escape($0))\"|" } ?? ""
      lines.append("\(indent)\(edge.from) \(arrow)\(label) \(edge.to)")
    }
  }

  private func shaped(_ node: GraphModel.Node) -> String {
    let text = "\"\(escape(node.name))\""
    return switch node.shape {
    case .task: "\(node.id)[\(text)]"
    case .pass: "\(node.id)(\(text))"
    case .choice: "\(node.id){\(text)}"
    case .wait: "\(node.id){{\(text)}}"
    case .succeed, .fail: "\(node.id)([\(text)])"
    case .parallel, .map: "\(node.id)[[\(text)]]"
    }
  }

  /// Mermaid reads quotes and angle brackets in labels as markup: use its entity codes.
  private func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "\"": out += "#quot;"
      case "<": out += "#lt;"
      case ">": out += "#gt;"
      case "#": out += "#35;"
      case "\n": out += " "
      default: out.append(c)
      }
    }
    return out
  }
}
