import ArgumentParser
import FlowDefinition
import Foundation

extension Flow {
  /// `flow validate FILE…`: every static check, without running anything.
  struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check pipeline files without running them.")

    @Argument(help: "Pipeline files to check.", completion: .file(extensions: ["yaml", "yml", "json"]))
    var files: [String]

    func run() async throws {
      let loader = StoreOptions.pipelineLoader
      var failed = false
      for file in files {
        if let problem = unreadablePipelineFile(file) {
          print(problem)
          failed = true
          continue
        }
        let diagnostics = loader.check(fileAt: file)
        for diagnostic in diagnostics { print(diagnostic.rendered) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if errors > 0 {
          failed = true
          print("\(file): \(errors) error(s)")
        } else {
          print("\(file): ok")
        }
      }
      if failed { throw ExitCode.validationFailure }
    }
  }

  /// `flow graph FILE`: the state machine as a diagram.
  struct Graph: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a pipeline's state machine as a Mermaid or Graphviz diagram.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case mermaid, dot }

    @Argument(help: "The pipeline file.", completion: .file(extensions: ["yaml", "yml", "json"]))
    var file: String

    @Option(help: "mermaid or dot.")
    var format: Format = .mermaid

    func run() async throws {
      let pipeline = try loadPipeline(file, loader: StoreOptions.pipelineLoader)
      print(renderGraph(pipeline.machine, format: format == .mermaid ? .mermaid : .dot))
    }
  }
}

import FlowCore
import FlowSteps
