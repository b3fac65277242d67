import FlowCore
import FlowTesting
import Foundation
import Testing

/// `flow redrive` of a parent whose DISTRIBUTED Map failed, through the binary: items 1 and 3 fail the first time
/// (a marker file keyed on the item says whether they ran before), so the first run fails; the redrive re-runs only
/// them and the items never started, and the parent ends SUCCEEDED with every item's output.
@Suite(.serialized) struct DistributedMapRedriveProcessTests {
  static let pipeline = """
    StartAt: Fan
    States:
      Fan:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 1
        ToleratedFailureCount: 1
        ItemProcessor:
          ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: STANDARD}
          StartAt: Work
          States:
            Work:
              Type: Task
              Resource: flow:exec
              Parameters:
                Command: [sh, -c, 'if [ "$V" = 1 -o "$V" = 3 ] && [ ! -e "marker-$V" ]; then touch "marker-$V"; exit 3; fi; echo "$V" >> log; echo "{\\"v\\": $V}"']
                Env: {"V.$": "States.Format('{}', $.v)"}
                ErrorName: Item.FirstTime
              End: true
        ItemSelector: {"v.$": $$.Map.Item.Value}
        End: true
    """

  static var stores: [String] {
    var stores = ["flow.db"]
    if PostgresTestURL.base != nil || PostgresTestURL.required { stores.append("postgresql") }
    return stores
  }

  @Test(arguments: stores)
  func redrivingAFailedMapRun_reRunsOnlyTheChildrenThatDidNotSucceed(store name: String) throws {
    let store = name == "postgresql" ? try PostgresTestURL.fresh() : name
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try directory.write(Self.pipeline, to: "p.yaml")
    let first = try FlowBinary.run(["run", "p.yaml", "--input", #"{"items": [1, 2, 3, 4, 5, 6]}"#, "--json", "--store", store], in: directory)
    #expect(first.json?["status"] == "FAILED", "\(first.stdout)\n\(first.stderr)")
    #expect(first.json?["error"] == "States.ExceedToleratedFailureThreshold")
    let id = try #require(first.json?["executionId"]?.stringValue)
    let log = { ((try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "").split(separator: "\n") }
    #expect(log() == ["2"])

    let redriven = try FlowBinary.run(["redrive", id, "--json", "--store", store], in: directory)
    #expect(redriven.json?["status"] == "SUCCEEDED", "\(redriven.stdout)\n\(redriven.stderr)")
    #expect(redriven.json?["output"] == [["v": 1], ["v": 2], ["v": 3], ["v": 4], ["v": 5], ["v": 6]])
    // Item 2 succeeded in the first run and did not run again; 1 and 3 ran again, 4 to 6 ran for the first time.
    #expect(log().sorted() == ["1", "2", "3", "4", "5", "6"])
    let status = try JSONValue(parsing: FlowBinary.run(["status", id, "--json", "--store", store], in: directory).stdout)
    let children = status["children"]?.arrayValue ?? []
    #expect(children.count == 6, "\(status)")
    #expect(children.allSatisfy { $0["status"] == "SUCCEEDED" })
    let history = try FlowBinary.run(["history", id, "--json", "--store", store], in: directory).stdout
    #expect(history.contains("MapRunRedriven"))
  }
}
