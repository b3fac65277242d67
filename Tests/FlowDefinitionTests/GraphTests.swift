import FlowCore
import Testing

@testable import FlowDefinition

@Suite struct GraphTests {
  static let pipeline = """
    StartAt: Train
    States:
      Train:
        Type: Task
        Resource: flow:train
        Catch: [{ErrorEquals: [States.Timeout, Custom], Next: Failed}]
        Next: Good?
      Good?:
        Type: Choice
        Choices:
          - {Variable: $.score, NumericGreaterThanEquals: 0.9, Next: Publish}
          - Not: {Variable: $.name, StringEquals: "say \\"hi\\""}
            Next: Failed
        Default: Failed
      Publish:
        Type: Parallel
        Branches:
          - {StartAt: Upload, States: {Upload: {Type: Task, Resource: flow:exec, End: true}}}
          - {StartAt: Notify, States: {Notify: {Type: Pass, End: true}}}
        Next: Each
      Each:
        Type: Map
        ItemProcessor: {StartAt: Score, States: {Score: {Type: Wait, Seconds: 1, End: true}}}
        Next: Done
      Done: {Type: Succeed}
      Failed: {Type: Fail, Error: Bad}
    """

  @Test func mermaidLabelsChoiceEdgesDashesCatchEdgesAndNestsSubgraphs() throws {
    // Top-level states are s0…s5 in writing order, then the nested ones (Upload s6, Notify s7, Score s8).
    let graph = renderGraph(try load(Self.pipeline).machine, format: .mermaid)
    #expect(graph.hasPrefix("flowchart TD\n"))
    #expect(graph.contains("__start((\"Start\"))"))
    #expect(graph.contains("__start --> s0"))
    #expect(graph.contains("s0[\"Train\"]"))
    #expect(graph.contains("s1{\"Good?\"}"))
    #expect(graph.contains("s1 -->|\"$.score #gt;= 0.9\"| s2"))
    #expect(graph.contains("s1 -->|\"not ($.name == #quot;say \\#quot;hi\\#quot;#quot;)\"| s5"))
    #expect(graph.contains("s1 -->|\"Default\"| s5"))
    #expect(graph.contains("s0 -.->|\"States.Timeout, Custom\"| s5"))
    #expect(graph.contains("subgraph s2 [\"Publish (Parallel)\"]"))
    #expect(graph.contains("subgraph s2_b1 [\"Branch 1\"]"))
    #expect(graph.contains("s6[\"Upload\"]"))
    #expect(graph.contains("subgraph s3 [\"Each (Map)\"]"))
    #expect(graph.contains("s8{{\"Score\"}}"))
    #expect(graph.contains("s2 --> s3"))
    #expect(graph.contains("s4 --> __end"))
    #expect(graph.contains("class s5 fail"))
    let opened = graph.split(separator: "\n").filter { $0.drop(while: { $0 == " " }).hasPrefix("subgraph ") }.count
    let closed = graph.split(separator: "\n").filter { $0.drop(while: { $0 == " " }) == "end" }.count
    #expect(opened == 5 && closed == 5)
  }

  @Test func dotUsesClustersAndClipsEdgesAtTheirBorder() throws {
    let graph = renderGraph(try load(Self.pipeline).machine, format: .dot)
    #expect(graph.hasPrefix("digraph \"state machine\" {\n  compound=true;"))
    #expect(graph.hasSuffix("}\n"))
    #expect(graph.contains("\"s1\" [label=\"Good?\", shape=diamond, style=solid];"))
    #expect(graph.contains("\"s1\" -> \"s6\" [lhead=\"cluster_s2\", label=\"$.score >= 0.9\"];"))
    #expect(graph.contains("\"s0\" -> \"s5\" [label=\"States.Timeout, Custom\", style=dashed];"))
    #expect(graph.contains("subgraph \"cluster_s2\" {"))
    #expect(graph.contains("label=\"Publish (Parallel)\";"))
    #expect(graph.contains("\"s6\" -> \"s8\" [ltail=\"cluster_s2\", lhead=\"cluster_s3\"];"))
    #expect(graph.contains(#"label="not ($.name == \"say \\\"hi\\\"\")""#))
    #expect(graph.filter { $0 == "{" }.count == graph.filter { $0 == "}" }.count)
  }

  @Test func everyStateAppearsOnce() throws {
    let machine = try load(try String(contentsOfFile: Fixtures.path("valid", "all-state-types.yaml"), encoding: .utf8)).machine
    let graph = renderGraph(machine, format: .mermaid)
    for name in machine.order {
      #expect(graph.components(separatedBy: "\"\(name)").count - 1 >= 1, "\(name) missing")
    }
  }
}
