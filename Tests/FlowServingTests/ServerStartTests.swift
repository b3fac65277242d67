import FlowServing
import Foundation
import Logging
import Testing

@Suite struct ServerStartTests {
  @Test func aPortInUse_namesTheAddressAndWhatToDo() async throws {
    try await Fixture.with { fixture in
      let port = fixture.client.port
      var configuration = ServerConfiguration()
      configuration.port = port
      let source = StaticEndpointSource(["iris-like": EndpointTarget(modelName: "m", version: "1", artifactPath: fixture.classifierPath)])
      var logger = Logger(label: "test.serve")
      logger.logLevel = .critical
      let error = await #expect(throws: ServingError.self) {
        try await InferenceServer(configuration: configuration, source: source, logger: logger).run()
      }
      #expect(error?.code == .addressUnavailable)
      #expect(error?.message.contains("127.0.0.1:\(port)") == true, "\(String(describing: error))")
      #expect(error?.message.contains("already in use") == true)
      #expect(error?.message.contains("choose another port") == true)
    }
  }
}
