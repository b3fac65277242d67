import FlowServing
import FlowTraining
import FlowTesting
import Foundation

/// A server with a classifier on endpoint `iris-like` (the default) and a regressor on `prices`.
struct Fixture {
  let directory: TemporaryDirectory
  let classifier: ModelArtifact
  let regressor: ModelArtifact
  let classifierPath: String
  let regressorPath: String
  let server: TestServer
  var client: HTTPClient { server.client }

  static func start(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> Fixture {
    let directory = try TemporaryDirectory()
    let classifier = try TinyModels.classifier()
    let regressor = try TinyModels.regressor()
    let classifierPath = try directory.save(classifier, as: "classifier.json")
    let regressorPath = try directory.save(regressor, as: "regressor.json")
    let source = StaticEndpointSource([
      "iris-like": EndpointTarget(modelName: "tiny-classifier", version: "1", artifactPath: classifierPath),
      "prices": EndpointTarget(modelName: "tiny-regressor", version: "7", artifactPath: regressorPath),
    ])
    let server = try await TestServer.start(source: source) { configuration in
      configuration.defaultEndpoint = "iris-like"
      configure(&configuration)
    }
    return Fixture(directory: directory, classifier: classifier, regressor: regressor,
                   classifierPath: classifierPath, regressorPath: regressorPath, server: server)
  }

  /// Runs `body` against a fresh server, stopping it afterwards whether `body` throws or not.
  static func with(configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (Fixture) async throws -> Void) async throws {
    let fixture = try await start(configure: configure)
    do { try await body(fixture) } catch {
      await fixture.stop()
      throw error
    }
    await fixture.stop()
  }

  func stop() async {
    await server.stop()
    directory.remove()
  }

  /// The classifier's rows as CSV lines (no header, feature order).
  static func csvRows(_ rows: [Int]) -> String {
    let data = TinyModels.classificationData
    return rows.map { row in
      ["x0", "x1", "x2", "color"].map { try! data.column(named: $0).text(at: row) ?? "" }.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
  }
}
