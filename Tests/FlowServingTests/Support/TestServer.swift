import Synchronization
import FlowServing
import FlowTesting
import Foundation
import Logging

/// An ``InferenceServer`` running in-process on an ephemeral port of 127.0.0.1, stopped by ``stop()``.
final class TestServer: Sendable {
  let client: HTTPClient
  private let server: InferenceServer
  private let task: Task<Void, any Error>

  private init(port: Int, server: InferenceServer, task: Task<Void, any Error>) {
    client = HTTPClient(port: port)
    self.server = server
    self.task = task
  }

  /// Starts a server and waits until it listens.
  static func start(source: any EndpointSource, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.pollInterval = .milliseconds(50)
    configure(&configuration)
    var logger = Logger(label: "test.serve")
    logger.logLevel = .warning
    let server = InferenceServer(configuration: configuration, source: source, logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
      defer { continuation.finish() }
      try await server.run { _, port in continuation.yield(port) }
    }
    for await port in ports { return TestServer(port: port, server: server, task: task) }
    try await task.value   // the server failed to start: surface its error
    throw HTTPClient.Failure(description: "the server stopped before listening")
  }

  /// Stops the server and waits until it has shut down (capture files flushed).
  func stop() async {
    await server.shutdown()
    _ = try? await task.value
  }
}

/// An endpoint source whose table a test changes while the server runs.
final class MutableEndpointSource: EndpointSource {
  private let state: Mutex<[String: EndpointTarget]>
  init(_ table: [String: EndpointTarget]) { state = Mutex(table) }
  func set(_ table: [String: EndpointTarget]) { state.withLock { $0 = table } }
  func endpoints() throws -> [String: EndpointTarget] { state.withLock { $0 } }
}
