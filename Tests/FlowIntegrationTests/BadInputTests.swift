import FlowCore
import FlowTesting
import Foundation
import Testing

/// Bad input of every kind gets a clear error (with file:line:column where there is one), a non-zero exit,
/// and leaves the store intact.
@Suite struct BadInputTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory() }

  func flow(_ arguments: String...) throws -> FlowBinary.Result { try FlowBinary.run(arguments, in: directory) }

  @Test(arguments: [
    ("malformed.yaml", "StartAt: A\nStates:\n  A: {Type: Pass, End: true\n", "malformed.yaml:4:1: error: [syntax-error]"),
    ("unknown.yaml", "StartAt: A\nStates:\n  A: {Type: Pass, End: true, Reslt: 1}\n", "unknown.yaml:3:30: error: [unknown-field]"),
    ("next.yaml", "StartAt: A\nStates:\n  A: {Type: Pass, Next: B}\n", "next.yaml:3:25: error: [unknown-state]"),
    ("dup.json", "{\"StartAt\": \"A\", \"StartAt\": \"A\", \"States\": {}}", "dup.json:1:18: error:"),
    ("path.yaml", "StartAt: A\nStates:\n  A: {Type: Pass, InputPath: '$.[', End: true}\n", "path.yaml:3:30: error:"),
  ])
  func invalidPipelinesAreRejectedWithTheirLocation(name: String, text: String, expected: String) throws {
    try directory.write(text, to: name)
    let validate = try flow("validate", name)
    #expect(validate.status == 64)
    #expect(validate.stdout.contains(expected), "\(validate.stdout)")
    let run = try flow("run", name, "--store", "flow.db")
    #expect(run.status == 64)
    #expect(run.stderr.contains(expected), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("flow.db").path))
  }

  @Test func anInputThatIsNotJSONIsRejected() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    let run = try flow("run", "p.yaml", "--input", "{\"a\": }", "--store", "flow.db")
    #expect(run.status == 1)
    #expect(run.stderr.contains("--input:1:7: the execution input is not valid JSON"))
    try directory.write("[1, 2", to: "in.json")
    let file = try flow("run", "p.yaml", "--input-file", "in.json", "--store", "flow.db")
    #expect(file.stderr.contains("in.json:1:6"))
  }

  @Test(arguments: [
    ("[no-such-program-xyz]", "Exec.CommandNotFound", "no-such-program-xyz"),
    ("[sh, -c, 'echo not json']", "Exec.InvalidOutput", "not JSON"),
    ("[sh, -c, 'head -c 300000 /dev/zero | tr \"\\\\0\" a']", "Exec.OutputTooLarge", "more than"),
    ("[sh, -c, 'echo oops >&2; exit 3']", "Exec.NonZeroExit", "oops"),
  ])
  func execFailuresAreNamedErrors(command: String, error: String, cause: String) throws {
    try directory.write("StartAt: X\nStates:\n  X: {Type: Task, Resource: 'flow:exec', Parameters: {Command: \(command)}, End: true}\n", to: "p.yaml")
    let run = try flow("run", "p.yaml", "--json", "--store", "flow.db")
    #expect(run.status == 1)
    #expect(run.json?["status"] == "FAILED")
    #expect(run.json?["error"]?.stringValue == error)
    #expect(run.json?["cause"]?.stringValue?.contains(cause) == true, "\(run.json?["cause"] ?? nil)")
  }

  @Test func execErrorNameIsConfigurable_andCatchable() throws {
    try directory.write("""
      StartAt: X
      States:
        X:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [sh, -c, 'exit 1'], ErrorName: Data.Invalid}
          Catch: [{ErrorEquals: [Data.Invalid], Next: Handled}]
          End: true
        Handled: {Type: Pass, Result: handled, End: true}
      """, to: "p.yaml")
    #expect(try flow("run", "p.yaml", "--json", "--store", "flow.db").json?["output"] == "handled")
  }

  @Test(arguments: [
    (["run", "missing.yaml"], "missing.yaml: error: cannot read the pipeline file: no such file"),
    (["validate", "missing.yaml"], "missing.yaml: error: cannot read the pipeline file: no such file"),
    (["run", "sub"], "sub: error: cannot read the pipeline file: it is a directory, not a file"),
    (["run", "p.yaml", "--input-file", "nope.json"], "cannot read the input file nope.json: no such file"),
    (["run", "p.yaml", "--input-file", "sub"], "cannot read the input file sub: it is a directory, not a file"),
  ])
  func unreadableFiles_areNamedWithAPlainReason(arguments: [String], expected: String) throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
    let result = try FlowBinary.run(arguments + (arguments[0] == "run" ? ["--store", "flow.db"] : []), in: directory)
    #expect(result.status != 0)
    let text = result.stdout + result.stderr
    #expect(text.contains(expected), "\(text)")
    #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("error 256") && !text.contains("Code="), "\(text)")
  }

  @Test func anUnwritableStoreIsAClearError() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    let run = try flow("run", "p.yaml", "--store", "/proc/flow-no/flow.db")
    #expect(run.status == 1)
    #expect(run.stderr.contains("/proc/flow-no"))
  }

  @Test func unknownIdsAndFinishedExecutionsAreErrors() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    let done = try flow("run", "p.yaml", "--json", "--store", "flow.db")
    let id = try #require(done.json?["executionId"]?.stringValue)
    for command in [["status", "nope-nope"], ["history", "nope-nope"], ["resume", "nope-nope"], ["stop", "nope-nope"]] {
      let result = try FlowBinary.run(command + ["--store", "flow.db"], in: directory)
      #expect(result.status == 1)
      #expect(result.stderr.contains("no execution with id 'nope-nope'"))
    }
    let resume = try flow("resume", id, "--store", "flow.db")
    #expect(resume.status == 1)
    #expect(resume.stderr.contains("already finished"))
    let redrive = try flow("redrive", id, "--store", "flow.db")
    #expect(redrive.stderr.contains("only FAILED, TIMED_OUT or ABORTED"))
    #expect(try flow("status", id, "--json", "--store", "flow.db").stdout.contains("\"SUCCEEDED\""))
  }

  @Test func aDuplicateExecutionNameIsRejected() throws {
    try directory.write("StartAt: A\nStates: {A: {Type: Pass, End: true}}\n", to: "p.yaml")
    #expect(try flow("run", "p.yaml", "--name", "nightly", "--store", "flow.db").status == 0)
    let again = try flow("run", "p.yaml", "--name", "nightly", "--store", "flow.db")
    #expect(again.status == 1)
    #expect(again.stderr.contains("already exists"))
  }
}
