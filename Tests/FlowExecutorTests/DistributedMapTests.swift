import FlowCore
import FlowDefinition
@testable import FlowExecutor
import FlowTesting
import Foundation
import Testing

/// DISTRIBUTED Maps: the machine's decisions (pure), then runs on the in-memory store where the parent's own
/// process runs its children (no worker).
@Suite struct DistributedMapTests {
  static func pipeline(mode: String = "DISTRIBUTED", extra: String = "", processor: String? = nil) -> String {
    """
    StartAt: M
    States:
      M:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 2
    \(extra)
        ItemProcessor:
          ProcessorConfig: {Mode: \(mode), ExecutionType: STANDARD}
          StartAt: Double
          States:
    \(processor ?? "        Double: {Type: Pass, Parameters: {\"v.$\": \"States.MathAdd($.v, $.v)\"}, End: true}")
        ItemSelector: {"v.$": $$.Map.Item.Value}
        ResultPath: $.doubled
        End: true
    """
  }

  // MARK: - The machine (pure)

  @Test func theMachineStartsAMapRun_withTheItemsInOrder_andWritesMapRunStartedOnce() throws {
    var run = try MachineRun(Self.pipeline(extra: "    ToleratedFailureCount: 1"), input: ["items": [1, 2, 3]])
    guard case .runMapRun(let mapRun) = run.handle(.proceed) else { Issue.record("no map run"); return }
    #expect(mapRun.inputs == [["v": 1], ["v": 2], ["v": 3]])
    #expect(mapRun.maxConcurrency == 2)
    #expect(mapRun.toleratedFailures == 1)
    #expect(mapRun.prefix == "root/M@0.0")
    #expect(mapRun.startAt == "Double")
    #expect(mapRun.mapRunArn == "arn:flow:states:local:0:mapRun:t/\(mapRun.mapRunId)")
    let document = try JSONValue(parsing: mapRun.definition)
    #expect(document["StartAt"] == "Double")
    #expect(document["QueryLanguage"] == "JSONPath")
    #expect(document["ProcessorConfig"] == nil)
    #expect(run.types == ["MapStateEntered", "MapStateStarted", "MapRunStarted"])
    #expect(run.events.last?.details["mapRunArn"] == .string(mapRun.mapRunArn))

    // A parent resumed after a crash continues the same run: same names, no second MapRunStarted.
    var resumed = try run.restarted()
    guard case .runMapRun(var again) = resumed.handle(.proceed) else { Issue.record("no map run on resume"); return }
    #expect(mapRun.startsAfresh && !again.startsAfresh)
    again.startsAfresh = true
    #expect(again == mapRun)
    #expect(resumed.events.isEmpty)
  }

  @Test func theMapRunsEndBecomesMapRunSucceededOrFailed() throws {
    var run = try MachineRun(Self.pipeline(), input: ["items": [1]])
    run.handle(.proceed)
    let output = run.handle(.mapRunEnded(.success([["v": 2]]))).output
    #expect(output?["doubled"] == [["v": 2]])
    #expect(run.types.suffix(3) == ["MapRunSucceeded", "MapStateSucceeded", "MapStateExited"])

    var failing = try MachineRun(Self.pipeline(), input: ["items": [1]])
    failing.handle(.proceed)
    let failure = failing.handle(.mapRunEnded(.failure(StepFailure("States.ExceedToleratedFailureThreshold", cause: "too many")))).failure
    #expect(failure?.error == "States.ExceedToleratedFailureThreshold")
    #expect(failing.types.suffix(2) == ["MapRunFailed", "MapStateFailed"])
    #expect(failing.events.first { $0.type == .mapRunFailed }?.details == ["error": "States.ExceedToleratedFailureThreshold", "cause": "too many"])
  }

  /// Which children the parent creates: in item order, at most MaxConcurrency unfinished at once, the next as one
  /// ends, and the run fails when more fail than tolerated.
  @Test func childrenAreCreatedInOrder_withinMaxConcurrency_andToleranceHolds() {
    var fan = FanOut(count: 5, maxConcurrency: 2, toleratedFailures: 1)
    #expect(fan.start() == .launch([0, 1]))
    #expect(fan.childEnded(1, .success(1)) == .launch([2]))
    #expect(fan.childEnded(0, .failure(StepFailure("E", cause: "c"))) == .launch([3]))
    #expect(fan.childEnded(2, .failure(StepFailure("E", cause: "c")))
            == .failed(StepFailure("States.ExceedToleratedFailureThreshold", cause: "The specified tolerated failure threshold was exceeded")))
  }

  @Test func resultWriterWithAnS3ResourceIsRejected_atItsPlace() throws {
    let yaml = Self.pipeline(extra: """
            ResultWriter:
              Resource: "arn:aws:states:::s3:putObject"
              Parameters: {Bucket: b, Prefix: p}
        """)
    #expect {
      try PipelineLoader(knownResources: []).load(text: yaml, path: "t.yaml")
    } throws: { error in
      let text = "\(error)"
      return text.contains("t.yaml:8:") && text.contains("S3") && text.contains("flow:artifacts")
    }
    let inline = Self.pipeline(mode: "INLINE", extra: "    ResultWriter: {Resource: \"flow:artifacts\"}")
    #expect { try PipelineLoader(knownResources: []).load(text: inline, path: "t.yaml") } throws: { "\($0)".contains("DISTRIBUTED") }
  }

  // MARK: - Runs on the in-memory store

  @Test func aDistributedMapGivesTheSameOutputAsInline_withOneChildExecutionPerItem() async throws {
    let h = try Harness()
    let items: JSONValue = ["items": .array((1...7).map { .int($0) })]
    let inline = try await h.run(Self.pipeline(mode: "INLINE"), input: items)
    let distributed = try await h.run(Self.pipeline(), input: items)
    #expect(distributed.status == .succeeded)
    #expect(distributed.output == inline.output)
    let children = try h.store.children(of: distributed.id)
    #expect(children.count == 7)
    #expect(children.allSatisfy { $0.status == .succeeded && MapRunChildName.isChild($0.name, of: distributed.id) })
    #expect(Set(children.map(\.name)).count == 7)
    let types = try h.events(distributed.id).map(\.type)
    #expect(types.contains(.mapRunStarted) && types.contains(.mapRunSucceeded))
    #expect(types.firstIndex(of: .mapRunSucceeded)! < types.firstIndex(of: .mapStateSucceeded)!)
  }

  /// The parent is interrupted (handed back) once some children exist; run again, it finds them by name and
  /// creates only the rest.
  @Test func aResumedParentCreatesNoDuplicateChildren() async throws {
    let h = try Harness()
    let store = h.store
    let stopping = Locked(true)
    let first = h.executor(handBack: { stopping.value && ((try? store.executions(limit: 100).count) ?? 0) >= 3 })
    let record = try first.start(try h.pipeline(Self.pipeline()), input: ["items": [1, 2, 3, 4, 5, 6]])
    await #expect(throws: ExecutorError.self) { try await h.advancing { try await first.run(record.id) } }
    let before = try store.children(of: record.id)
    #expect(!before.isEmpty && before.count < 6)
    stopping.withLock { $0 = false }
    let done = try await h.advancing { try await h.executor().run(record.id) }
    #expect(done.status == .succeeded)
    #expect(done.output?["doubled"] == [["v": 2], ["v": 4], ["v": 6], ["v": 8], ["v": 10], ["v": 12]])
    let after = try store.children(of: record.id)
    #expect(after.count == 6)
    #expect(Set(after.map(\.name)).count == 6)
    #expect(Set(before.map(\.id)).isSubset(of: Set(after.map(\.id))))
    #expect(try h.events(record.id).filter { $0.type == .mapRunStarted }.count == 1)
  }

  @Test func resultWriterWritesAWSsManifestAndResultFiles_underTheArtifactDirectory() async throws {
    let h = try Harness()
    let processor = """
              Check: {Type: Choice, Choices: [{Variable: $.v, NumericEquals: 2, Next: Boom}], Default: Double}
              Boom: {Type: Fail, Error: Item.Bad, Cause: two}
              Double: {Type: Pass, Parameters: {"v.$": "States.MathAdd($.v, $.v)"}, End: true}
      """
    let yaml = Self.pipeline(extra: """
            ToleratedFailureCount: 1
            ResultWriter: {Resource: "flow:artifacts", Parameters: {Prefix: "runs/doubled"}}
        """, processor: processor).replacingOccurrences(of: "StartAt: Double", with: "StartAt: Check")
    let done = try await h.run(yaml, input: ["items": [1, 2, 3]])
    #expect(done.status == .succeeded)
    let details = try #require(done.output?["doubled"])
    let bucket = try #require(details["ResultWriterDetails"]?["Bucket"]?.stringValue)
    let key = try #require(details["ResultWriterDetails"]?["Key"]?.stringValue)
    #expect(bucket == h.directory.appendingPathComponent("artifacts").path)
    #expect(key.hasPrefix("runs/doubled/M-") && key.hasSuffix("/manifest.json"))
    let read = { (key: String) throws -> JSONValue in
      try JSONValue(parsing: String(contentsOfFile: bucket + "/" + key, encoding: .utf8))
    }
    let manifest = try read(key)
    #expect(manifest["MapRunArn"] == details["MapRunArn"])
    #expect(manifest["DestinationBucket"] == .string(bucket))
    #expect(manifest["ResultFiles"]?["PENDING"] == [])
    let succeededKey = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first?["Key"]?.stringValue)
    let failedKey = try #require(manifest["ResultFiles"]?["FAILED"]?.arrayValue?.first?["Key"]?.stringValue)
    let succeeded = try read(succeededKey), failed = try read(failedKey)
    let size = try Data(contentsOf: URL(fileURLWithPath: bucket + "/" + succeededKey)).count
    #expect(manifest["ResultFiles"]?["SUCCEEDED"]?.arrayValue?.first?["Size"] == .int(size))
    #expect(succeeded.arrayValue?.compactMap { $0["Output"]?.stringValue } == [#"{"v":2}"#, #"{"v":6}"#])
    #expect(succeeded.arrayValue?.first?["Status"] == "SUCCEEDED" && succeeded.arrayValue?.first?["Input"] == #"{"v":1}"#)
    #expect(failed.arrayValue?.count == 1)
    #expect(failed.arrayValue?.first?["Error"] == "Item.Bad" && failed.arrayValue?.first?["Cause"] == "two" && failed.arrayValue?.first?["Status"] == "FAILED")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: bucket + "/" + (key as NSString).deletingLastPathComponent)
    #expect(Set(leftovers) == ["manifest.json", "SUCCEEDED_0.json", "FAILED_0.json"])
  }

  static let blocking = """
              Check: {Type: Choice, Choices: [{Variable: $.v, NumericEquals: 1, Next: Boom}], Default: Work}
              Boom: {Type: Fail, Error: Item.Bad, Cause: one}
              Work: {Type: Task, Resource: "test:block", Parameters: {"name.$": "States.Format('w{}', $.v)"}, End: true}
      """

  /// Item 1 fails at once while items 2 and 3 block: with no tolerance the Map fails, and the children still
  /// running are aborted.
  @Test func aMapRunThatFails_abortsItsUnfinishedChildren() async throws {
    let h = try Harness()
    let yaml = Self.pipeline(processor: Self.blocking).replacingOccurrences(of: "StartAt: Double", with: "StartAt: Check")
      .replacingOccurrences(of: "MaxConcurrency: 2", with: "MaxConcurrency: 3")
    let done = try await h.run(yaml, input: ["items": [1, 2, 3]])
    #expect(done.status == .failed)
    #expect(done.error == "Item.Bad")
    let children = try h.store.children(of: done.id).sorted { $0.name < $1.name }
    #expect(children.map(\.status) == [.failed, .aborted, .aborted])
    #expect(try h.events(done.id).contains { $0.type == .mapRunFailed })
  }

  /// `flow stop` of the parent while its children run: the Map Run is aborted (MapRunAborted), and so are they.
  @Test func stoppingTheParent_abortsTheMapRunAndItsChildren() async throws {
    let h = try Harness()
    let work = """
              Work: {Type: Task, Resource: "test:block", Parameters: {"name.$": "States.Format('w{}', $.v)"}, End: true}
      """
    let yaml = Self.pipeline(processor: work).replacingOccurrences(of: "StartAt: Double", with: "StartAt: Work")
    let flow = h.executor(leaseSeconds: 1)
    let record = try flow.start(try h.pipeline(yaml), input: ["items": [2, 3]])
    let running = Task { try await h.advancing { try await flow.run(record.id) } }
    #expect(try await eventually { h.calls.count("w2") == 1 && h.calls.count("w3") == 1 })
    _ = try h.store.requestStop(record.id, error: "Stopped", cause: "by the test", now: Date().timeIntervalSince1970)
    let done = try await running.value
    #expect(done.status == .aborted)
    let types = try h.events(record.id).map(\.type)
    #expect(types.contains(.mapRunAborted))
    #expect(types.firstIndex(of: .mapRunAborted)! < types.firstIndex(of: .executionAborted)!)
    #expect(try h.store.children(of: record.id).map(\.status) == [.aborted, .aborted])
  }
}
