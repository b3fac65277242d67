import FlowCore
import FlowSteps
import FlowStore
import Foundation
import Logging
import Testing

/// A temporary folder with a store, the ML steps over it, and small synthetic data sets.
struct StepWorkspace {
  let directory: URL
  let store: SQLiteStore
  let environment: MLEnvironment
  let steps: StepRegistry

  /// - Parameter blobs: where artifact bytes are shared with other workspaces (another "host"), if anywhere.
  init(blobs: (any ArtifactBlobStore)? = nil) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-steps-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let storeDirectory = directory.appendingPathComponent(".flow")
    store = try SQLiteStore(path: storeDirectory.appendingPathComponent("flow.db").path, durability: .normal)
    var environment = MLEnvironment(storeDirectory: storeDirectory, registry: store, catalog: store, executions: store)
    environment.blobs = blobs
    self.environment = environment
    steps = StepRegistry.builtIn(ml: environment)
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func context(_ state: String, execution: String = "exec-1", checkpoints: StepCheckpoints = .inMemory()) -> StepContext {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return StepContext(executionId: execution, stateName: state, attempt: 1, idempotencyKey: "\(execution)/root/\(state)/1",
                       artifactsDirectory: directory.appendingPathComponent(state), logger: logger, checkpoints: checkpoints)
  }

  /// Runs the step registered as `resource`.
  func run(_ resource: String, _ parameters: JSONValue, state: String? = nil, execution: String = "exec-1",
           checkpoints: StepCheckpoints = .inMemory()) async throws -> JSONValue {
    let step = try #require(steps.step(for: resource))
    return try await step.run(parameters, context: context(state ?? resource, execution: execution, checkpoints: checkpoints))
  }

  /// Three well-separated classes (`a`, `b`, `c`) in four numeric features, `shift` added to every feature.
  @discardableResult
  func writeBlobs(_ name: String, rows: Int = 240, seed: UInt64 = 1, shift: Double = 0, withTarget: Bool = true) throws -> String {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    func gaussian() -> Double { (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform()) }
    let centres: [[Double]] = [[0, 0, 0, 0], [3, 3, 0, 1], [0, 3, 3, -1]]
    let labels = ["a", "b", "c"]
    var text = "x1,x2,x3,x4" + (withTarget ? ",label" : "") + "\n"
    for row in 0..<rows {
      let k = row % 3
      let values = centres[k].map { String(format: "%.4f", $0 + gaussian() * 0.6 + shift) }
      text += values.joined(separator: ",") + (withTarget ? ",\(labels[k])" : "") + "\n"
    }
    let file = path(name)
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  /// `flow:process` over a blobs file.
  func process(_ file: String, validation: Double = 0.2) async throws -> JSONValue {
    try await run("flow:process", ["Source": .string(file), "Target": "label", "TestFraction": 0.2,
                                   "ValidationFraction": .double(validation), "Seed": 0], state: "Process")
  }
}

extension JSONValue {
  /// The member at a dotted path (`best.path`), for terse expectations.
  func at(_ path: String) -> JSONValue? {
    path.split(separator: ".").reduce(Optional(self)) { value, key in value?[String(key)] }
  }
}
