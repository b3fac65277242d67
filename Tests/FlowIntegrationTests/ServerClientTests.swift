import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow server` driven by real AWS clients: `Fixtures/server_clients.py` starts the built `flow server` on a free
/// 127.0.0.1 port with an access key and runs boto3 and the AWS CLI against it (create, start, describe until
/// SUCCEEDED, pagination, the history and every response checked against botocore's service model, AWS's error
/// names, task tokens, a wrong secret key rejected).
///
/// The python comes from `FLOW_TEST_PYTHON` (`.ci/run` makes a virtual environment with boto3 and awscli). Without
/// it the test is skipped, visibly; with `FLOW_REQUIRE_PYTHON_CLIENTS=1` it fails instead.
@Suite struct ServerClientTests {
  static let environment = ProcessInfo.processInfo.environment
  static let required = environment["FLOW_REQUIRE_PYTHON_CLIENTS"] == "1"

  /// `FLOW_TEST_PYTHON` when it can import boto3 and awscli.
  static let python: String? = {
    guard let path = environment["FLOW_TEST_PYTHON"], !path.isEmpty else { return nil }
    guard let status = try? ShortCommand.run(path, ["-c", "import boto3, awscli"]).status, status == 0 else { return nil }
    return path
  }()

  /// ``ShortCommand/run(_:_:)`` on a thread of its own, so the cooperative pool is not blocked while the clients run.
  static func runOffPool(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try ShortCommand.run(executable, arguments) }) }.start()
    }
  }

  /// Anyone who can reach a non-loopback address could run state machines: without keys the server won't bind one.
  @Test func refusesANonLoopbackAddressWithoutKeys() throws {
    let directory = try temporaryDirectory("flow-server-refuses")
    let environment = ["FLOW_SERVER_ACCESS_KEY_ID": "", "FLOW_SERVER_SECRET_ACCESS_KEY": ""]
    let refused = try FlowBinary.run(["server", "--host", "0.0.0.0", "--port", "0", "--store", "flow.db"], in: directory,
                                     environment: environment)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("refusing to listen on 0.0.0.0 without credentials"), "\(refused.stderr)")
    try directory.write("[default]\naws_access_key_id = AKID\n", to: "credentials")
    let incomplete = try FlowBinary.run(["server", "--credentials", "credentials", "--store", "flow.db"], in: directory,
                                        environment: environment)
    #expect(incomplete.status == 1)
    #expect(incomplete.stderr.contains("holds no access key"), "\(incomplete.stderr)")
  }

  @Test(.enabled(if: python != nil || required,
                 "no python with boto3 and awscli: set FLOW_TEST_PYTHON (.ci/run makes .build/ci-venv); FLOW_REQUIRE_PYTHON_CLIENTS=1 makes this a failure"))
  func boto3AndTheAWSCLIDriveFlowServer() async throws {
    let python = try #require(Self.python, "FLOW_REQUIRE_PYTHON_CLIENTS=1, but FLOW_TEST_PYTHON is not a python that can import boto3 and awscli")
    let directory = try temporaryDirectory("flow-server-clients")
    let script = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/server_clients.py").path
    let result = try await Self.runOffPool(python, [script, FlowBinary.path, directory.path])
    let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    #expect(result.status == 0, "\(result.output)\nserver log:\n\(log)")
    #expect(result.output.contains("all checks passed"))
  }
}
