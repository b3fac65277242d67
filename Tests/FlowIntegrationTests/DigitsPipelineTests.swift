import FlowCore
import FlowTesting
import Foundation
import Testing

/// The shipped ML pipelines through the built `flow` binary: `digits.yaml` end to end, killed during tuning and
/// resumed, and `digits-retrain.yaml` starting a child run when the captured data drifts.
@Suite(.serialized) struct DigitsPipelineTests {
  /// One uninterrupted run of digits.yaml, shared: the end-to-end test checks it, the kill test compares with it and
  /// the drift test starts from a copy of its store.
  static let reference = ReferenceRun()

  actor ReferenceRun {
    private var result: Task<(directory: URL, output: JSONValue, executionId: String), any Error>?

    func get() async throws -> (directory: URL, output: JSONValue, executionId: String) {
      if result == nil {
        result = Task {
          let directory = try DigitsPipelineTests.workspace()
          let run = try await DigitsPipelineTests.flow(["run", "pipelines/digits.yaml", "--json"], in: directory)
          let json = try #require(run.json, "flow run printed no JSON: \(run.stdout)\n\(run.stderr)")
          try #require(json["status"] == "SUCCEEDED", "digits.yaml failed: \(run.stdout)\n\(run.stderr.suffix(3000))")
          return (directory, json["output"] ?? .null, json["executionId"]?.stringValue ?? "")
        }
      }
      return try await result!.value
    }
  }

  /// A fresh folder with the pipelines and the data, as a user's checkout has them.
  static func workspace() throws -> URL {
    let directory = try temporaryDirectory()
    let files = FileManager.default
    try files.createDirectory(at: directory.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try files.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
    for path in ["pipelines/digits.yaml", "pipelines/digits-retrain.yaml", "data/digits.csv"] {
      try files.copyItem(at: FlowBinary.packageRoot.appendingPathComponent(path), to: directory.appendingPathComponent(path))
    }
    return directory
  }

  /// Runs `flow ARGS` on a thread of its own: a pipeline run takes many seconds, and blocking a thread of Swift's
  /// cooperative pool (on Linux, the global Dispatch queue, as wide as the machine has cores) that long would starve
  /// the tests running beside this suite, and could deadlock `FlowBinary.run`, which reads stderr on that queue.
  static func flow(_ arguments: [String], in directory: URL) async throws -> FlowBinary.Result {
    let process = try FlowBinary.start(arguments, in: directory)
    let stderr = (process.standardError as! Pipe).fileHandleForReading
    async let errors = onThread { stderr.readDataToEndOfFile() }
    let stdout = try await onThread { (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile() }
    let errorText = try await errors
    try await onThread { process.waitUntilExit() }
    return FlowBinary.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: errorText, as: UTF8.self))
  }

  static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try body() }) }.start()
    }
  }

  /// The content hash of an artifact path (`…/sha256/AB/HASH.json`).
  static func hash(_ path: JSONValue?) -> String? {
    path?.stringValue.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
  }

  @Test func digitsPipeline_reachesTheAccuracyGate_andDeploysTheModel() async throws {
    let (directory, output, executionId) = try await Self.reference.get()
    let accuracy = try #require(output["accuracy"]?.doubleValue)
    #expect(accuracy >= 0.98)
    #expect(output["version"] == 1)
    #expect(output["endpoint"] == "digits")

    let endpoints = try await Self.flow(["endpoints", "list", "--json"], in: directory)
    let endpoint = try #require(try JSONValue(parsing: endpoints.stdout).arrayValue?.first)
    #expect(endpoint["version"] == 1)
    #expect(endpoint["artifactPath"] == output["artifact"])

    let show = try await Self.flow(["models", "show", "digits", "1", "--json"], in: directory)
    let model = try JSONValue(parsing: show.stdout)
    #expect(model["approvalStatus"] == "Approved")
    #expect(model["executionId"]?.stringValue == executionId)
    #expect(model["pipelinePath"] == "pipelines/digits.yaml")
    #expect(model["datasetHash"]?.stringValue?.count == 64)
    #expect(model["metrics"]?["accuracy"]?.doubleValue == accuracy)

    let status = try await Self.flow(["status", executionId], in: directory)
    #expect(status.stdout.contains("artifacts:"))
    #expect(status.stdout.contains("dataset:train"))
    #expect(status.stdout.contains("model"))
  }

  @Test func killedDuringTuning_resumesWithoutRepeatingFinishedTrials_andDeploysTheSameModel() async throws {
    let reference = try await Self.reference.get()
    let directory = try Self.workspace()
    let process = try FlowBinary.start(["run", "pipelines/digits.yaml", "--name", "interrupted"], in: directory)
    let firstLog = try await StderrReader.read(process, until: "Tune: trial 2/4 finished", timeout: 300) {
      kill(process.processIdentifier, SIGKILL)
    }
    #expect(process.terminationReason == .uncaughtSignal, "flow finished before it was killed:\n\(firstLog)")

    let resumed = try await Self.flow(["resume", "interrupted", "--json"], in: directory)
    let json = try #require(resumed.json, "resume printed no JSON: \(resumed.stdout)\n\(resumed.stderr)")
    #expect(json["status"] == "SUCCEEDED", "\(resumed.stderr.suffix(3000))")
    #expect(resumed.stderr.contains("finished trial(s) restored from checkpoints"))

    // Every trial finished exactly once across the killed run and the resumed one.
    let finished = (firstLog + resumed.stderr).split(separator: "\n").filter { $0.contains("Tune: trial ") && $0.contains(" finished: ") }
    let numbers = finished.compactMap { line in line.range(of: "trial ").map { line[$0.upperBound...].prefix { $0 != "/" } } }
    #expect(numbers.sorted() == ["1", "2", "3", "4"], "trial lines: \(finished)")

    let output = try #require(json["output"])
    #expect(Self.hash(output["artifact"]) == Self.hash(reference.output["artifact"]))
    #expect(output["accuracy"] == reference.output["accuracy"])
    #expect(output["bestHyperparameters"] == reference.output["bestHyperparameters"])
  }

  @Test func qualityGate_failsTheRunWithAClearCause_andRegistersNothing() async throws {
    let directory = try Self.workspace()
    let run = try await Self.flow(["run", "pipelines/digits.yaml", "--json", "--param", "accuracy_threshold=1.01",
                                  "--param", "max_jobs=1"], in: directory)
    #expect(run.status == 1)
    let json = try #require(run.json, "\(run.stdout)\n\(run.stderr)")
    #expect(json["status"] == "FAILED")
    #expect(json["error"] == "QualityGate.Rejected")
    #expect(json["cause"]?.stringValue?.contains("is below accuracy_threshold 1.01") == true)
    let models = try await Self.flow(["models", "list", "--json"], in: directory)
    #expect(try JSONValue(parsing: models.stdout) == [])
  }

  @Test func driftInCapturedData_startsARetrainChild_andCalmDataDoesNot() async throws {
    let reference = try await Self.reference.get()
    let directory = try Self.workspace()
    // Continue from the reference run's store: the endpoint serves its model, whose baseline the monitor finds.
    try FileManager.default.copyItem(at: reference.directory.appendingPathComponent(".flow"),
                                     to: directory.appendingPathComponent(".flow"))
    let capture = directory.appendingPathComponent(".flow/capture/digits")
    try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
    let rows = try String(contentsOf: directory.appendingPathComponent("data/digits.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().prefix(200).map { $0.split(separator: ",").dropLast().compactMap { Double($0) } }
    func lines(_ transform: (Double) -> Double) -> String {
      rows.map { row in #"{"features": [["# + row.map { String(transform($0)) }.joined(separator: ",") + "]]}" }
        .joined(separator: "\n") + "\n"
    }

    try lines { $0 }.write(to: capture.appendingPathComponent("calm.jsonl"), atomically: true, encoding: .utf8)
    let calm = try await Self.flow(["run", "pipelines/digits-retrain.yaml", "--json"], in: directory)
    let calmJSON = try #require(calm.json, "\(calm.stdout)\n\(calm.stderr)")
    #expect(calmJSON["status"] == "SUCCEEDED")
    #expect(calmJSON["output"]?["retrained"] == false)
    let calmId = try #require(calmJSON["executionId"]?.stringValue)
    let calmStatus = try JSONValue(parsing: await Self.flow(["status", calmId, "--json"], in: directory).stdout)
    #expect(calmStatus["children"]?.arrayValue?.isEmpty == true)

    // Brighter strokes everywhere: every pixel shifted up by 4.
    try FileManager.default.removeItem(at: capture.appendingPathComponent("calm.jsonl"))
    try lines { min(16, $0 + 4) }.write(to: capture.appendingPathComponent("shifted.jsonl"), atomically: true, encoding: .utf8)
    let drift = try await Self.flow(["run", "pipelines/digits-retrain.yaml", "--json", "--param", #"retrain_input={"max_jobs": 2}"#],
                                   in: directory)
    let driftJSON = try #require(drift.json, "\(drift.stdout)\n\(drift.stderr)")
    #expect(driftJSON["status"] == "SUCCEEDED", "\(drift.stderr.suffix(3000))")
    #expect(driftJSON["output"]?["retrained"] == true)
    #expect(driftJSON["output"]?["drift"]?["detected"] == true)
    // The retrain sees the same data with the same seed, and its two trials include the reference run's best one:
    // the model is byte-identical, so registering it returns v1 instead of adding a copy as v2.
    #expect(driftJSON["output"]?["version"] == 1)

    let id = try #require(driftJSON["executionId"]?.stringValue)
    let status = try JSONValue(parsing: await Self.flow(["status", id, "--json"], in: directory).stdout)
    let children = try #require(status["children"]?.arrayValue)
    #expect(children.count == 1)
    #expect(children.first?["pipeline"] == "digits")
    #expect(children.first?["status"] == "SUCCEEDED")
    #expect(children.first?["parentId"]?.stringValue == id)

    let endpoints = try JSONValue(parsing: await Self.flow(["endpoints", "list", "--json"], in: directory).stdout)
    #expect(endpoints.arrayValue?.first?["version"] == 1)
    #expect(endpoints.arrayValue?.first?["previous"] == .null)   // deploying the version already served changes nothing
    let versions = try JSONValue(parsing: await Self.flow(["models", "list", "--json"], in: directory).stdout)
    #expect(versions.arrayValue?.count == 1)
  }
}

/// Reads a child process's stderr as it is written.
enum StderrReader {
  /// Reads until a line contains `marker`, then calls `then` (for example to kill the process) and reads to the end.
  /// - Returns: everything read.
  static func read(_ process: Process, until marker: String, timeout: Double, then: @escaping @Sendable () -> Void) async throws -> String {
    let handle = (process.standardError as! Pipe).fileHandleForReading
    let stdout = (process.standardOutput as! Pipe).fileHandleForReading
    Thread { _ = stdout.readDataToEndOfFile() }.start()
    let deadline = DispatchTime.now() + timeout
    DispatchQueue.global().asyncAfter(deadline: deadline) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    // Reads on a thread of its own, not on the global Dispatch queue (see `DigitsPipelineTests.flow`).
    return try await DigitsPipelineTests.onThread {
      var text = "", fired = false
      while true {
        let data = handle.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
        if !fired, text.contains(marker) {
          fired = true
          then()
        }
      }
      process.waitUntilExit()
      return text
    }
  }
}
