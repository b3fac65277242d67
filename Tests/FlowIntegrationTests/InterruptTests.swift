import FlowCore
import FlowTesting
import Foundation
import Testing

/// Ctrl-C (SIGINT) and SIGTERM of `flow run`: the signal reaches the running step, what finished is kept, and
/// `flow resume` goes on from there.
@Suite struct InterruptTests {
  let directory: URL
  init() throws {
    directory = try temporaryDirectory()
    try directory.write("""
      StartAt: First
      States:
        First:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'echo first >> log; echo "{}"']}
          Next: Long
        Long:
          Type: Task
          Resource: flow:exec
          Parameters:
            Command: [sh, -c, 'echo long >> log; trap "echo got-signal >> log; exit 1" INT TERM; while [ ! -f go ]; do sleep 0.1; done; echo "{\\"done\\": true}"']
          End: true
      """, to: "p.yaml")
  }

  func logLines() -> [String] {
    ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
  }

  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func signalStopsTheRunGracefully_andResumeFinishesWithoutRepeatingFinishedSteps(_ signal: Int32, _ status: Int32) throws {
    let run = try FlowBinary.start(["run", "p.yaml", "--store", "flow.db"], in: directory)
    let deadline = Date().addingTimeInterval(60)
    while !logLines().contains("long") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    Thread.sleep(forTimeInterval: 0.3)  // let the step's shell set its trap
    kill(run.processIdentifier, signal)
    let end = Date().addingTimeInterval(20)
    while run.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
    let finished = !run.isRunning
    if !finished { kill(run.processIdentifier, SIGKILL) }
    run.waitUntilExit()
    let stderr = String(decoding: (run.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(finished, "flow run did not stop within 20 s of the signal")
    #expect(run.terminationStatus == status, "\(stderr)")
    #expect(logLines().contains("got-signal"), "the signal did not reach the step: \(logLines())")
    let id = try #require(stderr.firstMatch(of: /flow resume (\S+)/).map { String($0.1) }, "\(stderr)")

    try directory.write("", to: "go")
    let resumed = try FlowBinary.run(["resume", id, "--json", "--store", "flow.db"], in: directory)
    #expect(resumed.json?["status"] == "SUCCEEDED", "\(resumed.stdout)\(resumed.stderr)")
    #expect(resumed.json?["output"] == ["done": true])
    #expect(logLines().filter { $0 == "first" }.count == 1, "\(logLines())")
    #expect(logLines().filter { $0 == "long" }.count == 2, "\(logLines())")
  }
}
