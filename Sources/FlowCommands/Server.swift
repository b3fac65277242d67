import ArgumentParser
import FlowCore
import FlowServer
import FlowStore
import Foundation
import Logging

extension Flow {
  /// `flow server`: the Step Functions API (AWS JSON 1.0 with SigV4) over the store, running executions here.
  struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the AWS Step Functions API (boto3, the AWS CLI) over the store, running executions in this process.",
      discussion: """
        Speaks AWS JSON 1.0 on POST / (X-Amz-Target: AWSStepFunctions.<Action>). Actions: \
        \(StepFunctionsService.actions.joined(separator: ", ")). Requests are checked with AWS Signature Version 4 \
        against the keys in $FLOW_SERVER_ACCESS_KEY_ID / $FLOW_SERVER_SECRET_ACCESS_KEY or --credentials; with no \
        keys it accepts any request, and only on a loopback address.
        Example: flow server --pipelines pipelines --port 8083, then
        aws stepfunctions list-state-machines --endpoint-url http://127.0.0.1:8083
        """)

    @Option(help: "Address to bind (only this machine by default; any other address needs credentials).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free one).")
    var port = 8083

    @Option(help: ArgumentHelp("A folder of pipeline files, served as state machines named by their Flow.Name.", valueName: "dir"))
    var pipelines: String?

    @Option(help: ArgumentHelp("Executions run at once in this process; more wait their turn.", valueName: "n"))
    var workers = 4

    @Option(help: ArgumentHelp("Access keys: a JSON file ({\"AccessKeyId\", \"SecretAccessKey\"}) or an AWS credentials file (ini).", valueName: "path"))
    var credentials: String?

    @Option(help: "The region in ARNs.")
    var region = "local"

    @Option(help: "The account in ARNs.")
    var account = "000000000000"

    @Option(help: ArgumentHelp("Largest request body in bytes.", valueName: "bytes"))
    var maxBodyBytes = 1024 * 1024

    @OptionGroup var limits: ConnectionLimits

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if !(0...65535).contains(port) { throw ValidationError("--port must be in 0…65535") }
      if workers < 1 { throw ValidationError("--workers must be at least 1") }
      if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be a positive number of bytes") }
      for (name, value) in [("--region", region), ("--account", account)]
      where value.isEmpty || value.contains(":") || value.contains(where: \.isWhitespace) {
        throw ValidationError("\(name) must be non-empty, without ':' or spaces")
      }
    }

    func run() async throws {
      let paths = storeOptions.enterProjectRoot(keeping: [pipelines, credentials])
      var configuration = StepFunctionsServerConfiguration()
      configuration.host = host
      configuration.port = port
      configuration.names = ResourceNames(region: region, account: account)
      configuration.maxBodyBytes = maxBodyBytes
      configuration.maxConnections = limits.maxConnections
      configuration.requestHeadTimeout = limits.header
      configuration.requestBodyTimeout = limits.body
      configuration.idleTimeout = limits.idle
      do {
        configuration.accessKeys = AccessKeys.fromEnvironment(ProcessInfo.processInfo.environment)
        if let file = paths[1] { configuration.accessKeys.merge(try AccessKeys.fromFile(file)) { $1 } }
        try configuration.validate()
      } catch {
        throw CLIError("flow server: \(error)")
      }
      if let directory = paths[0] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
          throw CLIError("flow server: --pipelines \(directory) is not a folder")
        }
      }

      // Both stores (SQLite and PostgreSQL) keep what the server needs; a store that doesn't is a wiring mistake.
      guard let store = try storeOptions.openStore() as? any StepFunctionsStore else {
        throw CLIError("flow server: this store does not keep state machines and activities")
      }
      var logger = Logger(label: "flow.server")
      logger.logLevel = storeOptions.quiet ? .warning : .info
      // Unmapped activity ARNs are durable activity tasks that workers take with GetActivityTask.
      var loader = storeOptions.loader
      loader.acceptsActivities = true
      let executor = storeOptions.executor(store: store, loader: loader) {
        ActivityTasks.install(in: &$0, store: store)
      }
      let service = StepFunctionsService(store: store, executor: executor, loader: loader,
                                         pipelinesDirectory: paths[0], names: configuration.names, workers: workers, logger: logger)
      do {
        try await StepFunctionsServer(configuration: configuration, service: service, logger: logger).run(handleSignals: true)
      } catch let error as StepFunctionsServerError {
        throw CLIError("flow server: \(error)")
      }
    }
  }
}
