import FlowCore
import FlowTesting
import Foundation
import Testing

/// The CLI commands working together on one store.
@Suite struct CommandTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory() }

  func flow(_ arguments: [String]) throws -> FlowBinary.Result { try FlowBinary.run(arguments + ["--store", "flow.db"], in: directory) }

  @Test func inputIsDefaultsThenInputThenParams() throws {
    try directory.write("""
      Flow:
        Name: params
        Parameters: {threshold: 0.9, mode: fast, keep: 1}
      StartAt: A
      States: {A: {Type: Pass, End: true}}
      """, to: "p.yaml")
    let run = try flow(["run", "p.yaml", "--input", #"{"mode": "slow", "extra": true}"#, "--param", "threshold=0.5", "--param", "name=x", "--json"])
    #expect(run.json?["output"] == ["threshold": 0.5, "mode": "slow", "keep": 1, "extra": true, "name": "x"])
  }

  @Test func statusHistoryAndGraphDescribeAnExecution() throws {
    try directory.write("""
      StartAt: A
      States:
        A: {Type: Task, Resource: flow:echo, Next: C}
        C: {Type: Choice, Choices: [{Variable: $.go, BooleanEquals: true, Next: D}], Default: F}
        D: {Type: Succeed}
        F: {Type: Fail, Error: No}
      """, to: "p.yaml")
    let run = try flow(["run", "p.yaml", "--input", #"{"go": true}"#])
    #expect(run.status == 0)
    #expect(run.stderr.contains("▶ A (Task)"))
    let list = try flow(["status"])
    #expect(list.stdout.contains("SUCCEEDED"))
    let id = try #require(try JSONValue(parsing: flow(["status", "--json"]).stdout).arrayValue?.first?["executionId"]?.stringValue)
    let detail = try flow(["status", id])
    #expect(detail.stdout.contains("A      Task     SUCCEEDED  1        1"))
    let states = try JSONValue(parsing: flow(["status", id, "--json"]).stdout)["states"]?.arrayValue ?? []
    #expect(states.map { $0["name"] } == ["A", "C", "D"])
    #expect(states.first?["attempts"] == 1)
    let history = try flow(["history", id])
    #expect(history.stdout.contains("ExecutionSucceeded"))
    let graph = try FlowBinary.run(["graph", "p.yaml"], in: directory)
    #expect(graph.stdout.contains("flowchart"))
    let dot = try FlowBinary.run(["graph", "p.yaml", "--format", "dot"], in: directory)
    #expect(dot.stdout.contains("digraph"))
  }

  @Test func aFailedExecutionCanBeRedriven() throws {
    try directory.write("""
      StartAt: A
      States:
        A: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo a >> log; echo 1']}, Next: B}
        B: {Type: Task, Resource: flow:exec, Parameters: {Command: [sh, -c, 'echo b >> log; test -f ok && echo 2']}, End: true}
      """, to: "p.yaml")
    let failed = try flow(["run", "p.yaml", "--json"])
    #expect(failed.json?["status"] == "FAILED")
    let id = try #require(failed.json?["executionId"]?.stringValue)
    try directory.write("", to: "ok")
    let redriven = try flow(["redrive", id, "--json"])
    #expect(redriven.json?["status"] == "SUCCEEDED")
    #expect(redriven.json?["output"] == 2)
    let log = try String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)
    #expect(log == "a\nb\nb\n")
  }

  @Test func aCallbackTaskIsCompletedFromAnotherProcess() throws {
    try directory.write("""
      StartAt: Approve
      States:
        Approve:
          Type: Task
          Resource: flow:echo.waitForTaskToken
          Parameters: {"token.$": $$.Task.Token}
          ResultPath: $.approval
          End: true
      """, to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--detach", "--json", "--store", "flow.db"], in: directory)
    process.waitUntilExit()
    let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
    let id = try #require(try JSONValue(parsing: String(decoding: out, as: UTF8.self))["executionId"]?.stringValue)
    var token: String?
    let deadline = Date().addingTimeInterval(20)
    while token == nil && Date() < deadline {
      let history = try JSONValue(parsing: flow(["history", id, "--json"]).stdout)
      let parameters = history["events"]?.arrayValue?.first { $0["type"] == "TaskScheduled" }?["taskScheduledEventDetails"]?["parameters"]
      token = try parameters?.stringValue.map { try JSONValue(parsing: $0) }?["token"]?.stringValue
      if token == nil { Thread.sleep(forTimeInterval: 0.1) }
    }
    let answer = try flow(["task", "success", try #require(token), "--output", #"{"approved": true}"#])
    #expect(answer.status == 0)
    var status: JSONValue?
    while Date() < deadline {
      status = try JSONValue(parsing: flow(["status", id, "--json"]).stdout)
      if status?["status"] != "RUNNING" { break }
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(status?["status"] == "SUCCEEDED")
    #expect(status?["output"] == ["approval": ["approved": true]])
    #expect(try flow(["task", "success", token!]).status == 1)
  }

  @Test func quietRunPrintsTheErrorAndCauseOnFailure() throws {
    try directory.write("StartAt: F\nStates: {F: {Type: Fail, Error: Model.TooWeak, Cause: accuracy 0.41 < 0.9}}\n", to: "p.yaml")
    let run = try flow(["run", "p.yaml", "--quiet"])
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.contains("FAILED"))
    #expect(run.stderr.contains("Model.TooWeak"))
    #expect(run.stderr.contains("accuracy 0.41 < 0.9"))
    let json = try flow(["run", "p.yaml", "--quiet", "--json"])
    #expect(json.stderr.isEmpty, "--json reports on stdout only")
    #expect(json.json?["error"] == "Model.TooWeak")
  }

  @Test func taskListShowsAPendingTokenWithItsExecutionAndState() throws {
    try directory.write("""
      StartAt: Approve
      States:
        Approve: {Type: Task, Resource: flow:echo.waitForTaskToken, End: true}
      """, to: "p.yaml")
    #expect(try flow(["task", "list"]).stdout.contains("no task is waiting"))
    let process = try FlowBinary.start(["run", "p.yaml", "--detach", "--store", "flow.db"], in: directory)
    process.waitUntilExit()
    let id = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    var rows: [JSONValue] = []
    let deadline = Date().addingTimeInterval(20)
    while rows.isEmpty && Date() < deadline {
      rows = try JSONValue(parsing: flow(["task", "list", "--json"]).stdout).arrayValue ?? []
      if rows.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
    }
    let row = try #require(rows.first)
    #expect(row["executionId"]?.stringValue == id)
    #expect(row["state"] == "Approve")
    let token = try #require(row["token"]?.stringValue)
    let text = try flow(["task", "list"]).stdout
    #expect(text.contains("EXECUTION"))
    #expect(text.split(separator: "\n").contains { $0.hasPrefix(id) && $0.hasSuffix(token) })
    #expect(try flow(["task", "success", token]).status == 0)
    _ = try? flow(["stop", id])
  }

  @Test func logsPrintsWhatADetachedExecutionLogged() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    let detached = try flow(["run", "p.yaml", "--detach"])
    let id = detached.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    var logs = try flow(["logs", id])
    let deadline = Date().addingTimeInterval(20)
    while !logs.stdout.contains("SUCCEEDED"), Date() < deadline {
      Thread.sleep(forTimeInterval: 0.2)
      logs = try flow(["logs", id])
    }
    #expect(logs.status == 0, "\(logs.stderr)")
    #expect(logs.stdout.contains("SUCCEEDED"))
    let attached = try flow(["run", "p.yaml", "--json"])
    let missing = try flow(["logs", try #require(attached.json?["executionId"]?.stringValue)])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("only executions started with --detach have one"))
  }

  @Test func stopAbortsADetachedExecution() throws {
    try directory.write("StartAt: W\nStates: {W: {Type: Wait, Seconds: 60, End: true}}\n", to: "p.yaml")
    let process = try FlowBinary.start(["run", "p.yaml", "--detach", "--store", "flow.db"], in: directory)
    process.waitUntilExit()
    let id = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try flow(["stop", id]).status == 0)
    var status: JSONValue?
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      status = try JSONValue(parsing: flow(["status", id, "--json"]).stdout)["status"]
      if status != "RUNNING" { break }
      Thread.sleep(forTimeInterval: 0.2)
    }
    #expect(status == "ABORTED")
  }
}

@Suite struct SharedStoreTests {
  @Test func severalProcessesShareOneStoreWithoutErrors() throws {
    let directory = try temporaryDirectory()
    try directory.write("""
      StartAt: M
      States:
        M:
          Type: Map
          MaxConcurrency: 4
          ItemProcessor:
            StartAt: T
            States: {T: {Type: Task, Resource: flow:echo, End: true}}
          End: true
      """, to: "p.yaml")
    let items = "[" + (0..<200).map(String.init).joined(separator: ",") + "]"
    let processes = try (0..<4).map { _ in
      try FlowBinary.start(["run", "p.yaml", "--input", items, "--json", "--quiet", "--store", "flow.db"], in: directory)
    }
    for process in processes {
      process.waitUntilExit()
      let out = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(process.terminationStatus == 0)
      #expect(try JSONValue(parsing: out)["output"]?.arrayValue?.count == 200)
    }
    let list = try JSONValue(parsing: FlowBinary.run(["status", "--json", "--store", "flow.db"], in: directory).stdout)
    #expect(list.arrayValue?.filter { $0["status"] == "SUCCEEDED" }.count == 4)
  }
}
