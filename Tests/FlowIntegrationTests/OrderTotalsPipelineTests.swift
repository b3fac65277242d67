import FlowCore
import FlowTesting
import Foundation
import Testing

/// `pipelines/order-totals.yaml`, the shipped JSONata pipeline, validated and run through the built `flow` binary.
@Suite struct OrderTotalsPipelineTests {
  static let path = "pipelines/order-totals.yaml"

  @Test func validates() throws {
    let run = try FlowBinary.run(["validate", Self.path], in: FlowBinary.packageRoot)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
  }

  @Test func approvesAnOrderWithinTheLimit() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = FlowBinary.packageRoot.appendingPathComponent(Self.path).path
    let run = try FlowBinary.run(["run", file, "--json", "--store", "flow.db"], in: directory)
    let got = try #require(run.json, "no JSON result; stderr: \(run.stderr.suffix(300))")
    #expect(got["status"] == "SUCCEEDED")
    #expect(got["output"]?["total"] == 298)
    #expect(got["output"]?["approved"] == true)
    #expect(got["output"]?["lines"] == [["sku": "A-1", "amount": 50], ["sku": "B-7", "amount": 198], ["sku": "C-3", "amount": 50]])
  }

  @Test func failsAnOrderOverTheLimitWithAComputedCause() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = FlowBinary.packageRoot.appendingPathComponent(Self.path).path
    let run = try FlowBinary.run(["run", file, "--json", "--store", "flow.db", "--param", "limit=100"], in: directory)
    let got = try #require(run.json, "no JSON result; stderr: \(run.stderr.suffix(300))")
    #expect(got["status"] == "FAILED")
    #expect(got["error"] == "OrderOverLimit")
    #expect(got["cause"] == "The order of ada totals 298, over the limit of 100")
    #expect(run.status == 1)
  }
}
