import ArgumentParser
import FlowCore
import FlowServing
import Foundation
import Logging

extension Flow {
  /// `flow serve`: answer predictions over HTTP, following SageMaker's inference container contract.
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve model predictions over HTTP (SageMaker's inference container contract).",
      discussion: """
        Routes: GET /ping, POST /invocations (the default endpoint), POST /endpoints/NAME/invocations, \
        GET /endpoints, GET /metrics (Prometheus). Bodies are text/csv (one row per line, no header) or \
        application/json ({"instances": [[...], ...]}). Endpoints given with --endpoints-file are re-read \
        while serving: rewriting the file redeploys without a restart and without a failed request.

        Without --model or --endpoints-file it serves the endpoints of the model registry in the store, as \
        flow:deploy and `flow endpoints rollback` set them, and follows their changes without restarting.
        Example: flow serve --model digits=.flow/artifacts/model.json --port 8080
        """)

    @Option(name: .customLong("endpoint"), help: ArgumentHelp("Serve only this endpoint (repeatable); the first is the default for POST /invocations.", valueName: "name"))
    var endpoints: [String] = []

    @Option(name: .customLong("model"), help: ArgumentHelp("Serve a model artifact on an endpoint of the same name (repeatable).", valueName: "name[:version]=path"))
    var models: [String] = []

    @Option(help: ArgumentHelp("A JSON file of endpoints, {\"NAME\": {\"model\", \"version\", \"artifact\"}}, polled for changes.", valueName: "path"))
    var endpointsFile: String?

    @Option(help: "Address to bind (only this machine by default).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free one).")
    var port = 8080

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on every route but /ping (default: $FLOW_SERVE_TOKEN).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("Share of requests written to the data capture, 0…1 (default 1 with --capture-dir, else 0).", valueName: "fraction"))
    var captureFraction: Double?

    @Option(help: ArgumentHelp("Directory of the data capture files, DIR/ENDPOINT/YYYY-MM-DD.jsonl (default: capture/ beside the store).", valueName: "dir"))
    var captureDir: String?

    @Option(help: ArgumentHelp("Largest request body in bytes.", valueName: "bytes"))
    var maxBodyBytes = 6 * 1024 * 1024

    @OptionGroup var limits: ConnectionLimits

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if !models.isEmpty, endpointsFile != nil { throw ValidationError("give --model or --endpoints-file, not both") }
      for model in models { _ = try Self.parseModel(model) }
      if let captureFraction, !(0...1).contains(captureFraction) {
        throw ValidationError("--capture-fraction must be between 0 and 1")
      }
      if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be a positive number of bytes") }
      if !(0...65535).contains(port) { throw ValidationError("--port must be in 0…65535") }
    }

    func run() async throws {
      var configuration = ServerConfiguration()
      configuration.host = host
      configuration.port = port
      configuration.bearerToken = token ?? ProcessInfo.processInfo.environment["FLOW_SERVE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
      configuration.maxBodyBytes = maxBodyBytes
      configuration.endpoints = endpoints.isEmpty ? nil : endpoints
      configuration.maxConnections = limits.maxConnections
      configuration.requestHeadTimeout = limits.header
      configuration.requestBodyTimeout = limits.body
      configuration.idleTimeout = limits.idle
      let fraction = captureFraction ?? (captureDir == nil ? 0 : 1)
      if fraction > 0 {
        configuration.captureFraction = fraction
        configuration.captureDirectory = captureDir
          ?? storeOptions.localDirectory.appendingPathComponent("capture").path
      }

      let source: any EndpointSource
      if let endpointsFile {
        source = FileEndpointSource(path: endpointsFile)
      } else if models.isEmpty {
        // The model registry's endpoints, as `flow:deploy` and `flow endpoints rollback` set them.
        let store = try storeOptions.openStore()
        source = RegistryEndpointSource(
          store: store, cache: ArtifactCache(root: storeOptions.localDirectory.appendingPathComponent("artifacts"),
                                             blobs: store as? any ArtifactBlobStore))
      } else {
        var table: [String: EndpointTarget] = [:]
        for model in models {
          let (name, target) = try Self.parseModel(model)
          guard table[name] == nil else { throw ValidationError("--model names endpoint '\(name)' twice") }
          table[name] = target
        }
        if let unknown = endpoints.first(where: { table[$0] == nil }) {
          throw ValidationError("--endpoint '\(unknown)' is not among the --model endpoints (\(table.keys.sorted().joined(separator: ", ")))")
        }
        source = StaticEndpointSource(table)
      }

      var logger = Logger(label: "flow.serve")
      logger.logLevel = storeOptions.quiet ? .warning : .info
      if let directory = configuration.captureDirectory {
        logger.info("capturing \(configuration.captureFraction * 100)% of requests to \(directory)")
      }
      do {
        try await InferenceServer(configuration: configuration, source: source, logger: logger).run(handleSignals: true)
      } catch let error as ServingError {
        throw CLIError("flow serve: \(error)")
      }
    }

    /// `NAME=PATH` or `NAME:VERSION=PATH` → the endpoint name and what it serves (version `1` by default).
    static func parseModel(_ text: String) throws -> (String, EndpointTarget) {
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
        throw ValidationError("--model '\(text)' is not NAME=PATH or NAME:VERSION=PATH")
      }
      let key = text[..<equals], path = String(text[text.index(after: equals)...])
      let parts = key.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0]), version = parts.count > 1 ? String(parts[1]) : "1"
      guard !name.isEmpty, !version.isEmpty, !name.contains("/") else {
        throw ValidationError("--model '\(text)': the endpoint name and version must be non-empty (and the name has no '/')")
      }
      return (name, EndpointTarget(modelName: name, version: version, artifactPath: path))
    }
  }
}
