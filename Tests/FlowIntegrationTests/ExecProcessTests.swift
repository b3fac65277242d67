import FlowCore
import FlowTesting
import Foundation
import Testing

/// The processes `flow:exec` starts, observed from outside through the built binary: what they inherit, which
/// signals reach them, and that none outlives a killed run.
@Suite struct ExecProcessTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory() }

  /// Runs `flow ARGS`, killing it if it has not finished within `seconds` (a deadlock must fail, not hang).
  func run(_ arguments: [String], within seconds: Double) throws -> (finished: Bool, result: JSONValue?) {
    let process = try FlowBinary.start(arguments, in: directory)
    let out = process.standardOutput as! Pipe
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let finished = !process.isRunning
    if !finished { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (finished, text.split(separator: "\n").last.flatMap { try? JSONValue(parsing: String($0)) })
  }

  func logLines() -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
  }

  @Test func aMapOfManyConcurrentCatStepsFinishes() throws {
    try directory.write("""
      StartAt: Each
      States:
        Each:
          Type: Map
          ItemsPath: $.items
          MaxConcurrency: 8
          ItemProcessor:
            StartAt: Cat
            States:
              Cat: {Type: Task, Resource: flow:exec, Parameters: {Command: [cat], 'Input.$': '$'}, End: true}
          End: true
      """, to: "p.yaml")
    let items = (0..<300).map(String.init).joined(separator: ",")
    let (finished, result) = try run(["run", "p.yaml", "--input", "{\"items\": [\(items)]}", "--json", "--quiet", "--store", "flow.db"],
                                     within: 240)
    #expect(finished, "a Map of 300 [cat] steps at MaxConcurrency 8 did not finish (deadlock)")
    #expect(result?["status"] == "SUCCEEDED")
    #expect(result?["output"]?.arrayValue?.count == 300)
    #expect(result?["output"]?.arrayValue?.last == 299)
  }

  @Test func aParallelOfTwoCatStepsFinishes() throws {
    try directory.write("""
      StartAt: Both
      States:
        Both:
          Type: Parallel
          Branches:
            - {StartAt: A, States: {A: {Type: Task, Resource: flow:exec, Parameters: {Command: [cat], Input: a}, End: true}}}
            - {StartAt: B, States: {B: {Type: Task, Resource: flow:exec, Parameters: {Command: [cat], Input: b}, End: true}}}
          End: true
      """, to: "p.yaml")
    for round in 0..<10 {
      let (finished, result) = try run(["run", "p.yaml", "--json", "--quiet", "--store", "flow.db"], within: 60)
      #expect(finished, "round \(round): a Parallel of two [cat] steps hung")
      #expect(result?["output"] == ["a", "b"])
    }
  }

  @Test func aStepStartsWithNoSignalBlockedAndOnlyThreeDescriptors() throws {
    try directory.write("""
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'ls /proc/self/fd >> log; exec >> log; exec grep -E "^(SigBlk|SigIgn)" /proc/self/status']}
          End: true
      """, to: "p.yaml")
    let (finished, result) = try run(["run", "p.yaml", "--json", "--quiet", "--store", "flow.db"], within: 60)
    #expect(finished)
    #expect(result?["status"] == "SUCCEEDED")
    // The masks of the program flow started (`exec` keeps them), not of a shell's child: a shell resets its own.
    let lines = logLines()
    #expect(lines.contains("SigBlk:\t0000000000000000"), "\(lines)")
    #expect(lines.contains("SigIgn:\t0000000000000000"), "\(lines)")
    // 0, 1, 2, and the descriptor `ls` opens to read the directory (3).
    #expect(lines.filter { Int($0) != nil }.sorted() == ["0", "1", "2", "3"], "\(lines)")
  }

  @Test func sigtermReachesAStep() throws {
    try directory.write("""
      StartAt: A
      States:
        A:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo $$ >> log; exec sleep 30']}
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--json", "--quiet", "--store", "flow.db"], in: directory)
    let deadline = Date().addingTimeInterval(30)
    while logLines().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let pid = try #require(logLines().first.flatMap { pid_t($0) })
    Thread.sleep(forTimeInterval: 0.2)  // let `exec sleep` happen
    kill(pid, SIGTERM)
    let end = Date().addingTimeInterval(15)
    while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
    let finished = !process.isRunning
    if !finished { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(finished, "SIGTERM did not end the step")
    let out = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let result = out.split(separator: "\n").last.flatMap { try? JSONValue(parsing: String($0)) }
    #expect(result?["error"] == "Exec.NonZeroExit")
    #expect(result?["cause"]?.stringValue?.contains("143") == true, "\(String(describing: result))")
  }

  @Test func aKilledRunLeavesNoGrandchildBehindTheResumedAttempt() throws {
    try directory.write("""
      StartAt: Charge
      States:
        Charge:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: "echo started >> log; (sleep 2; echo charged >> log); echo '{}'"}
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--json", "--quiet", "--store", "flow.db"], in: directory)
    let deadline = Date().addingTimeInterval(30)
    while !logLines().contains("started") && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    Thread.sleep(forTimeInterval: 0.7)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    let status = try FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory)
    let id = try #require(try JSONValue(parsing: status.stdout).arrayValue?.first?["executionId"]?.stringValue)
    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", "flow.db"], in: directory)
    #expect(resumed.json?["status"] == "SUCCEEDED")
    Thread.sleep(forTimeInterval: 2.5)  // long enough for a surviving grandchild of the first attempt to write
    #expect(logLines() == ["started", "started", "charged"])
  }
}
