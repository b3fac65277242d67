import FlowCore
import FlowTesting
import Foundation
import Testing

/// Kills the `flow` process with SIGKILL mid-run, resumes it, and checks that the resumed execution ends with the
/// result of an uninterrupted run and that no step whose result was committed ran again.
@Suite(.serialized) struct CrashResumeTests {
  /// Each exec step logs `start NAME` and `end NAME` around a short sleep; the log shows what ran when.
  static let pipeline = """
    Comment: Steps that log when they start and end, for crash tests.
    StartAt: Prepare
    States:
      Prepare:
        Type: Task
        Resource: flow:exec
        Parameters:
          Command: [sh, -c, 'echo "start $FLOW_STATE" >> log; sleep 0.3; echo "end $FLOW_STATE" >> log; echo "{\\"rows\\": 3}"']
        ResultPath: $.prepared
        Next: Fan
      Fan:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 2
        ItemSelector: {"item.$": $$.Map.Item.Value}
        ItemProcessor:
          StartAt: Work
          States:
            Work:
              Type: Task
              Resource: flow:exec
              Parameters:
                Command: [sh, -c, 'echo "start $FLOW_STATE-$ITEM" >> log; sleep 0.4; echo "end $FLOW_STATE-$ITEM" >> log; echo "{\\"done\\": \\"$ITEM\\"}"']
                Env: {"ITEM.$": "States.Format('{}', $.item)"}
              End: true
        ResultPath: $.results
        Next: Train
      Train:
        Type: Task
        Resource: flow:exec
        Parameters:
          Command: [sh, -c, 'echo "start $FLOW_STATE" >> log; sleep 0.5; echo "end $FLOW_STATE" >> log; echo "{\\"model\\": \\"m-$FLOW_IDEMPOTENCY_KEY\\"}"']
        ResultSelector: {"trained.$": "States.ArrayLength(States.StringSplit($.model, '/'))"}
        ResultPath: $.model
        Next: Wait
      Wait: {Type: Wait, Seconds: 1, Next: Evaluate}
      Evaluate:
        Type: Task
        Resource: flow:exec
        Parameters:
          Command: [sh, -c, 'echo "start $FLOW_STATE" >> log; sleep 0.3; echo "end $FLOW_STATE" >> log; echo "{\\"accuracy\\": 0.99}"']
        ResultPath: $.evaluation
        End: true
    """

  static let input = #"{"items": ["a", "b", "c", "d", "e"]}"#

  func prepare() throws -> URL {
    let directory = try temporaryDirectory()
    try directory.write(Self.pipeline, to: "p.yaml")
    return directory
  }

  func logLines(_ directory: URL) -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
  }

  /// No task whose success the history records started again afterwards, and none succeeded twice.
  func expectNoRecordedSuccessRanAgain(_ history: JSONValue) {
    var succeeded: Set<String> = []
    for event in history["events"]?.arrayValue ?? [] {
      guard let key = event["flow"]?["idempotencyKey"]?.stringValue else { continue }
      if event["type"] == "TaskStarted" { #expect(!succeeded.contains(key), "\(key) started again after it succeeded") }
      if event["type"] == "TaskSucceeded" { #expect(succeeded.insert(key).inserted, "\(key) succeeded twice") }
    }
  }

  @Test func killedAtRandomMomentsAndResumed_endsWithTheSameResult() throws {
    let reference = try prepare()
    let clean = try FlowBinary.run(["run", "p.yaml", "--input", Self.input, "--json", "--store", "flow.db"], in: reference)
    #expect(clean.status == 0)
    let expected = try #require(clean.json?["output"])

    var generator = SystemRandomNumberGenerator()
    let directory = try prepare()
    var process = try FlowBinary.start(["run", "p.yaml", "--input", Self.input, "--json", "--store", "flow.db", "--quiet"], in: directory)
    var kills = 0
    while true {
      // Each run finishes a step before it can be killed, so the test ends however slow the machine is; the kill
      // then lands at a random moment of what follows.
      let ended = logLines(directory).filter { $0.hasPrefix("end ") }.count
      let patience = Date().addingTimeInterval(60)
      while process.isRunning, logLines(directory).filter({ $0.hasPrefix("end ") }).count == ended, Date() < patience {
        Thread.sleep(forTimeInterval: 0.02)
      }
      Thread.sleep(forTimeInterval: Double.random(in: 0.2...0.9, using: &generator))
      if !process.isRunning { break }
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .exit { break }  // it finished just before the kill
      kills += 1
      let listed = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory).stdout)
      guard let id = listed.arrayValue?.first?["executionId"]?.stringValue else {
        // Killed before the execution was created: start it again.
        process = try FlowBinary.start(["run", "p.yaml", "--input", Self.input, "--json", "--store", "flow.db", "--quiet"], in: directory)
        continue
      }
      process = try FlowBinary.start(["resume", id, "--json", "--store", "flow.db", "--quiet"], in: directory)
    }
    process.waitUntilExit()
    let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
    let final = try JSONValue(parsing: String(decoding: out, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "")
    #expect(kills > 0)
    #expect(final["status"] == "SUCCEEDED")
    #expect(final["output"] == expected)
    let id = try #require(final["executionId"]?.stringValue)
    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", "flow.db"], in: directory).stdout)
    expectNoRecordedSuccessRanAgain(history)
    // Every run of a step is in the history: a step runs again only when it was cut off before its result was committed.
    let lines = logLines(directory)
    let started = history["events"]?.arrayValue?.filter { $0["type"] == "TaskStarted" }.count ?? 0
    #expect(lines.filter { $0.hasPrefix("start ") }.count <= started)
    for step in ["Prepare", "Work-a", "Work-b", "Work-c", "Work-d", "Work-e", "Train", "Evaluate"] {
      #expect(lines.contains("end \(step)"), "\(step) never finished")
    }
  }

  @Test func aStepKilledInFlightRunsAgainWithTheSameKeyAndTheNextAttempt() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo "A $FLOW_ATTEMPT $FLOW_IDEMPOTENCY_KEY" >> log; echo 1']}
          Next: B
        B:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo "B $FLOW_ATTEMPT $FLOW_IDEMPOTENCY_KEY" >> log; if [ "$FLOW_ATTEMPT" = 1 ]; then sleep 30; fi; echo 2']}
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--json", "--store", "flow.db"], in: directory)
    let deadline = Date().addingTimeInterval(20)
    while !logLines(directory).contains(where: { $0.hasPrefix("B ") }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    let status = try FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory)
    let listed = try #require(try JSONValue(parsing: status.stdout).arrayValue?.first)
    #expect(listed["status"] == "RUNNING")
    #expect(listed["liveOwner"] == false)
    let id = try #require(listed["executionId"]?.stringValue)

    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", "flow.db"], in: directory)
    #expect(resumed.json?["status"] == "SUCCEEDED")
    #expect(resumed.json?["output"] == 2)
    let lines = logLines(directory)
    #expect(lines.filter { $0.hasPrefix("A ") }.count == 1)
    let b = lines.filter { $0.hasPrefix("B ") }.map { $0.split(separator: " ").map(String.init) }
    #expect(b.map { $0[1] } == ["1", "2"])
    #expect(Set(b.map { $0[2] }).count == 1)

    let history = try JSONValue(parsing: FlowBinary.run(["history", id, "--json", "--store", "flow.db"], in: directory).stdout)
    #expect(history["events"]?.arrayValue?.contains { $0["type"] == "TaskStarted" && $0["flow"]?["afterInterruption"] == true } == true)

    let again = try FlowBinary.run(["resume", id, "--store", "flow.db"], in: directory)
    #expect(again.status != 0)
    #expect(again.stderr.contains("already finished"))
  }
}
