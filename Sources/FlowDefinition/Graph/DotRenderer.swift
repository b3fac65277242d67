import Foundation

/// Writes a ``GraphModel`` as a Graphviz digraph. Parallel and Map states are clusters; an edge into or out of
/// one is drawn to its first inner state and clipped at the cluster's border (`lhead`/`ltail`).
struct DotRenderer {
  let graph: GraphModel

  func render() -> String {
    var lines = [
      "digraph \"state machine\" {",
      "  compound=true;",
      "  rankdir=TB;",
      "  graph [fontname=\"Helvetica\"];",
      "  node [shape=box, style=rounded, fontname=\"Helvetica\"];",
      "  edge [fontname=\"Helvetica\", fontsize=10];",
      "  \"\(GraphModel.startID)\" [label=\"\", shape=circle, style=filled, fillcolor=black, width=0.2];",
    ]
    if hasEnd(graph.top) {
      lines.append("  \"\(GraphModel.endID)\" [label=\"\", shape=doublecircle, style=filled, fillcolor=black, width=0.15];")
    }
    let nodes = GraphModel.nodesByID(in: graph.top)
    write(graph.top, indent: "  ", nodes: nodes, into: &lines)
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private func hasEnd(_ scope: GraphModel.Scope) -> Bool {
    scope.edges.contains { $0.to == GraphModel.endID }
  }

  private func write(_ scope: GraphModel.Scope, indent: String, nodes: [String: GraphModel.Node], into lines: inout [String]) {
    for node in scope.nodes {
      if GraphModel.isCluster(node) {
        let kind = node.shape == .parallel ? "Parallel" : "Map"
        lines.append("\(indent)subgraph \"cluster_\(node.id)\" {")
        lines.append("\(indent)  label=\(quote("\(node.name) (\(kind))"));")
        lines.append("\(indent)  style=rounded;")
        for inner in node.scopes {
          lines.append("\(indent)  subgraph \"cluster_\(inner.id)\" {")
          lines.append("\(indent)    label=\(quote(inner.label));")
          lines.append("\(indent)    style=dashed;")
          write(inner, indent: indent + "    ", nodes: nodes, into: &lines)
          lines.append("\(indent)  }")
        }
        lines.append("\(indent)}")
      } else {
        lines.append("\(indent)\"\(node.id)\" [\(attributes(node))];")
      }
    }
    for edge in scope.edges {
      var attributes: [String] = []
      var from = edge.from, to = edge.to
      if let node = nodes[from], GraphModel.isCluster(node) {
        from = anchor(node, nodes: nodes)
        attributes.append("ltail=\"cluster_\(node.id)\"")
      }
      if let node = nodes[to], GraphModel.isCluster(node) {
        to = anchor(node, nodes: nodes)
        attributes.append("lhead=\"cluster_\(node.id)\"")
      }
      if let label = edge.label { attributes.append("label=\(quote(label))") }
      if edge.dashed { attributes.append("style=dashed") }
      let suffix = attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]"
      lines.append("\(indent)\"\(from)\" -> \"\(to)\"\(suffix);")
    }
  }

  /// The real node an edge to a cluster attaches to: the first branch's start state, looking through nested clusters.
  private func anchor(_ node: GraphModel.Node, nodes: [String: GraphModel.Node]) -> String {
    guard let first = node.scopes.first, let startID = first.startID ?? first.nodes.first?.id else { return node.id }
    if let inner = nodes[startID], GraphModel.isCluster(inner) { return anchor(inner, nodes: nodes) }
    return startID
  }

  private func attributes(_ node: GraphModel.Node) -> String {
    let label = "label=\(quote(node.name))"
    return switch node.shape {
    case .task: label
    case .pass: "\(label), style=\"rounded,dashed\""
    case .choice: "\(label), shape=diamond, style=solid"
    case .wait: "\(label), shape=hexagon, style=solid"
    case .succeed: "\(label), style=\"rounded,filled\", fillcolor=\"#e2f6e2\""
    case .fail: "\(label), style=\"rounded,filled\", fillcolor=\"#fde2e2\""
    case .parallel, .map: label
    }
  }

  private func quote(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n") + "\""
  }
}
