import FlowCore
import FlowTesting
import Foundation
import Testing

/// Artifacts on many hosts: with a PostgreSQL store, a model trained and deployed from one project directory is
/// served from another (its own cwd, an empty `.flow`), its bytes fetched from PostgreSQL into the second
/// directory's artifact cache.
@Suite(.serialized, .enabled(if: PostgresTestURL.base != nil || PostgresTestURL.required,
                             "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL artifact tests were skipped"))
struct PostgresArtifactTests {
  /// Two well-separated classes: label 1 when x + y > 10.
  static var csv: String {
    var lines = ["x,y,label"]
    for index in 0..<200 {
      let x = Double(index % 20) * 0.5, y = Double((index * 7) % 20) * 0.5
      lines.append("\(x),\(y),\(x + y > 10 ? 1 : 0)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static let pipeline = """
    StartAt: Process
    States:
      Process:
        Type: Task
        Resource: flow:process
        Parameters: {Source: data.csv, Target: label, TestFraction: 0.2, ValidationFraction: 0.1, Seed: 0}
        ResultPath: $.dataset
        Next: Train
      Train:
        Type: Task
        Resource: flow:train
        Parameters: {Dataset.$: $.dataset, Algorithm: logistic_regression, Hyperparameters: {C: 1.0, max_iter: 200}}
        ResultPath: $.model
        Next: Register
      Register:
        Type: Task
        Resource: flow:register
        Parameters: {ModelName: sums, Model.$: $.model, ApprovalStatus: Approved}
        ResultPath: $.registration
        Next: Deploy
      Deploy:
        Type: Task
        Resource: flow:deploy
        Parameters: {EndpointName: sums, ModelName: sums, Version.$: $.registration.version}
        End: true
    """

  @Test func aModelTrainedInOneDirectoryIsServedFromAnotherWithAnEmptyFlowDirectory() async throws {
    let store = try PostgresTestURL.fresh()
    let hostA = try temporaryDirectory("flow-host-a"), hostB = try temporaryDirectory("flow-host-b")
    try hostA.write(Self.csv, to: "data.csv")
    try hostA.write(Self.pipeline, to: "train.yaml")
    let run = try FlowBinary.run(["run", "train.yaml", "--json", "--store", store], in: hostA)
    #expect(run.json?["status"] == "SUCCEEDED", "\(run.stdout)\n\(run.stderr.suffix(3000))")
    let models = try JSONValue(parsing: FlowBinary.run(["models", "list", "--json", "--store", store], in: hostB).stdout)
    let artifactA = try #require(models.arrayValue?.first?["artifactPath"]?.stringValue, "\(models)")
    #expect(artifactA.hasPrefix(hostA.path) || artifactA.contains("flow-host-a"))
    // Host B cannot see host A's files.
    try FileManager.default.removeItem(at: hostA)
    #expect(!FileManager.default.fileExists(atPath: hostB.appendingPathComponent(".flow/artifacts").path))

    let port = try RunningServer.freePort()
    let log = hostB.appendingPathComponent("serve.log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let serve = Process()
    serve.executableURL = URL(fileURLWithPath: FlowBinary.path)
    serve.arguments = ["serve", "--port", String(port), "--store", store]
    serve.currentDirectoryURL = hostB
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "FLOW_STORE")
    serve.environment = environment
    let output = try FileHandle(forWritingTo: log)
    serve.standardOutput = output
    serve.standardError = output
    try serve.run()
    defer {
      serve.terminate()
      serve.waitUntilExit()
    }
    let client = HTTPClient(port: port)
    var reply: HTTPClient.Reply?
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      if let answer = try? await client.post("/endpoints/sums/invocations", body: "9,9\n0.5,0.5\n"), answer.status == 200 {
        reply = answer
        break
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    let served = try #require(reply, "flow serve in host B never answered:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    let predictions = try served.jsonValue()["predictions"]?.arrayValue?.compactMap { $0["label"]?.stringValue }
    #expect(predictions == ["1", "0"], "\(served.text)")
    // The model came from PostgreSQL into host B's cache, under its content address.
    let hash = try #require(models.arrayValue?.first?["artifactHash"]?.stringValue)
    let cached = hostB.appendingPathComponent(".flow/artifacts/sha256/\(hash.prefix(2))/\(hash).json")
    #expect(FileManager.default.fileExists(atPath: cached.path))
    var digest = SHA256Stream()
    digest.update(try Data(contentsOf: cached))
    #expect(digest.hexDigest() == hash)
  }
}
