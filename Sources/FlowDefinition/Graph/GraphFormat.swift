/// The text formats ``renderGraph(_:format:)`` can write.
public enum GraphFormat: String, Sendable, CaseIterable {
  /// A Mermaid `flowchart` (renders in GitHub, GitLab and many editors).
  case mermaid
  /// A Graphviz `digraph` (`dot -Tsvg`).
  case dot
}

/// Draws a state machine as a flowchart.
///
/// Every state is a node shaped by its type; `Next` edges are plain, Choice edges carry their rule
/// (`$.score >= 0.9`, `Default`), and `Catch` edges are dashed and labelled with the errors they catch.
/// Parallel branches and Map item processors are drawn as nested subgraphs (clusters in DOT).
/// - Parameters:
///   - machine: the machine to draw, usually ``Pipeline/machine``.
///   - format: Mermaid or Graphviz DOT.
/// - Returns: the graph's text, ending with a newline.
public func renderGraph(_ machine: StateMachine, format: GraphFormat) -> String {
  let graph = GraphModel(machine)
  switch format {
  case .mermaid: return MermaidRenderer(graph: graph).render()
  case .dot: return DotRenderer(graph: graph).render()
  }
}
