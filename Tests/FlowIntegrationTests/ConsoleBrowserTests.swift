import FlowCore
@testable import FlowStore
import FlowTesting
import Foundation
import Testing

/// `flow server`'s web console in a real browser: `Fixtures/console_browser.py` drives Debian's chromium through
/// chromedriver and selenium (list, filters, live updates, the graph's colours, the history, Redrive with sign-in,
/// the model page, endpoints, schedules) and saves screenshots under `.build/test-artifacts/console/`.
///
/// Needs `FLOW_TEST_PYTHON` with boto3 and selenium, and chromium and chromedriver (`/usr/bin`, or
/// `FLOW_TEST_CHROMIUM` / `FLOW_TEST_CHROMEDRIVER`); `.ci/run` installs them. Without them the test is skipped,
/// visibly; with `FLOW_REQUIRE_PYTHON_CLIENTS=1` it fails instead.
@Suite struct ConsoleBrowserTests {
  static let environment = ProcessInfo.processInfo.environment
  static let required = environment["FLOW_REQUIRE_PYTHON_CLIENTS"] == "1"
  static let chromium = environment["FLOW_TEST_CHROMIUM"] ?? "/usr/bin/chromium"
  static let chromedriver = environment["FLOW_TEST_CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

  /// `FLOW_TEST_PYTHON` when it can import boto3 and selenium.
  static let python: String? = {
    guard let path = environment["FLOW_TEST_PYTHON"], !path.isEmpty else { return nil }
    guard let status = try? ShortCommand.run(path, ["-c", "import boto3, selenium"]).status, status == 0 else { return nil }
    return path
  }()
  static let browserInstalled = FileManager.default.isExecutableFile(atPath: chromium)
    && FileManager.default.isExecutableFile(atPath: chromedriver)

  @Test(.enabled(if: (python != nil && browserInstalled) || required,
                 "no python with boto3 and selenium (FLOW_TEST_PYTHON), or no chromium and chromedriver: .ci/run installs them; FLOW_REQUIRE_PYTHON_CLIENTS=1 makes this a failure"))
  func theConsoleInChromium() async throws {
    let python = try #require(Self.python, "FLOW_REQUIRE_PYTHON_CLIENTS=1, but FLOW_TEST_PYTHON is not a python that can import boto3 and selenium")
    try #require(Self.browserInstalled, "FLOW_REQUIRE_PYTHON_CLIENTS=1, but \(Self.chromium) or \(Self.chromedriver) is missing (apt-get install chromium chromium-driver)")
    let directory = try temporaryDirectory("flow-console-browser")
    try registerModels(in: directory.appendingPathComponent("flow.db").path)
    let artifacts = FlowBinary.packageRoot.appendingPathComponent(".build/test-artifacts/console")
    try? FileManager.default.removeItem(at: artifacts)
    let script = FlowBinary.packageRoot.appendingPathComponent("Tests/FlowIntegrationTests/Fixtures/console_browser.py").path
    let result = try await ServerClientTests.runOffPool(python, [script, FlowBinary.path, directory.path, artifacts.path])
    let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    #expect(result.status == 0, "\(result.output)\nserver log:\n\(log)")
    #expect(result.output.contains("all checks passed"), "\(result.output)")
  }

  /// Three versions of `churn` with lineage and an accuracy each, the first two approved, and an endpoint serving v2.
  func registerModels(in path: String) throws {
    let store = try SQLiteStore(path: path)
    for (index, accuracy) in [0.81, 0.86, 0.9].enumerated() {
      let version = index + 1
      _ = try store.register(ModelVersionDraft(
        modelName: "churn", artifactPath: "/models/churn-\(version).json", artifactHash: "artifacthash\(version)",
        executionId: "exec-\(version)", stateName: "Register", pipelinePath: "pipelines/train.yaml",
        pipelineHash: "pipelinehash\(version)", datasetHash: "datasethash\(version)", algorithm: "logistic",
        metrics: ["accuracy": .double(accuracy), "rows": .int(1000)],
        approvalStatus: version < 3 ? .approved : .pendingManualApproval))
    }
    _ = try store.deploy(endpoint: "churn-live", model: "churn", version: 2, executionId: nil, idempotencyKey: nil)
  }
}
