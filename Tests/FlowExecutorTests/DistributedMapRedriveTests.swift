import FlowCore
import FlowDefinition
@testable import FlowExecutor
import FlowTesting
import Foundation
import Testing

/// Redriving a parent whose Distributed Map failed (AWS's Map Run redrive): only the children that did not succeed
/// run again, the others' results are kept, and the parent ends SUCCEEDED when they now pass.
@Suite struct DistributedMapRedriveTests {
  /// Items `{v, f}`: the child of item `v` fails its first `f` calls (`test:flaky`, counted per item).
  static func pipeline(tolerated: Int? = nil) -> String {
    """
    StartAt: M
    States:
      M:
        Type: Map
        ItemsPath: $.items
        MaxConcurrency: 1
    \(tolerated.map { "    ToleratedFailureCount: \($0)" } ?? "")
        ItemProcessor:
          ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: STANDARD}
          StartAt: Work
          States:
            Work:
              Type: Task
              Resource: "test:flaky"
              Parameters: {"name.$": "States.Format('i{}', $.v)", "failures.$": $.f, "error": Item.Flaky}
              End: true
        ItemSelector: {"v.$": $$.Map.Item.Value.v, "f.$": $$.Map.Item.Value.f}
        ResultPath: $.done
        End: true
    """
  }

  static func items(_ failures: [Int]) -> JSONValue {
    ["items": .array(failures.enumerated().map { ["v": .int($0.offset + 1), "f": .int($0.element)] })]
  }

  @Test func redrivingTheParent_reRunsOnlyTheChildrenThatDidNotSucceed_andSucceeds() async throws {
    let h = try Harness()
    // Items 2 and 4 fail once: item 2's failure is tolerated, item 4's is one too many; item 5 is never started.
    let first = try await h.run(Self.pipeline(tolerated: 1), input: Self.items([0, 1, 0, 1, 0]))
    #expect(first.status == .failed)
    #expect(first.error == "States.ExceedToleratedFailureThreshold")
    let before = try h.store.children(of: first.id)
    #expect(before.count == 4)

    _ = try h.executor().redrive(first.id)
    let done = try await h.advancing { try await h.executor().run(first.id) }
    #expect(done.status == .succeeded, "\(done.error ?? "") \(done.cause ?? "")")
    #expect(done.output?["done"] == [["name": "i1", "calls": 1], ["name": "i2", "calls": 2], ["name": "i3", "calls": 1],
                                     ["name": "i4", "calls": 2], ["name": "i5", "calls": 1]])
    // The children that succeeded did not run again; the failed ones ran again as the same executions.
    #expect(["i1", "i2", "i3", "i4", "i5"].map(h.calls.count) == [1, 2, 1, 2, 1])
    let after = try h.store.children(of: first.id)
    #expect(after.count == 5 && Set(after.map(\.name)).count == 5)
    #expect(Set(before.map(\.id)).isSubset(of: Set(after.map(\.id))))
    let byName = Dictionary(uniqueKeysWithValues: after.map { ($0.name, $0) })
    let redriven = after.filter { $0.redriveCount == 1 }.compactMap { $0.output?["name"]?.stringValue }.sorted()
    #expect(redriven == ["i2", "i4"])
    #expect(byName.values.allSatisfy { $0.status == .succeeded })
    let types = try h.events(first.id).map(\.type)
    let redrive = try #require(types.firstIndex(of: .executionRedriven))
    #expect(types[redrive...].contains(.mapRunRedriven) && types[redrive...].contains(.mapRunSucceeded))
    #expect(!types[..<redrive].contains(.mapRunRedriven))
  }

  /// A child re-runs once per redrive of its parent: failing again fails the parent again (and a resumed parent
  /// does not re-run it); the next redrive runs it once more.
  @Test func aChildThatFailsAgain_failsTheRedrivenParent_untilTheNextRedrive() async throws {
    let h = try Harness()
    let first = try await h.run(Self.pipeline(), input: Self.items([0, 2]))
    #expect(first.status == .failed && h.calls.count("i2") == 1)

    _ = try h.executor().redrive(first.id)
    let again = try await h.advancing { try await h.executor().run(first.id) }
    #expect(again.status == .failed && again.error == "Item.Flaky")
    #expect(h.calls.count("i2") == 2 && h.calls.count("i1") == 1)

    _ = try h.executor().redrive(first.id)
    let done = try await h.advancing { try await h.executor().run(first.id) }
    #expect(done.status == .succeeded)
    #expect(done.output?["done"] == [["name": "i1", "calls": 1], ["name": "i2", "calls": 3]])
    #expect(try h.store.children(of: first.id).count == 2)
  }

  /// A child that the redriven run starts for the first time and that fails is a failure of that run (here a
  /// tolerated one), not re-run: only children that had ended before the redrive are.
  @Test func aChildFirstStartedByTheRedrivenRun_isNotReRunWhenItFails() async throws {
    let h = try Harness()
    let first = try await h.run(Self.pipeline(tolerated: 1), input: Self.items([0, 1, 1, 1]))
    #expect(first.status == .failed && h.calls.count("i4") == 0)

    _ = try h.executor().redrive(first.id)
    let done = try await h.advancing { try await h.executor().run(first.id) }
    #expect(done.status == .succeeded, "\(done.error ?? "") \(done.cause ?? "")")
    #expect(["i1", "i2", "i3", "i4"].map(h.calls.count) == [1, 2, 2, 1])
    let fourth = try #require(try h.store.children(of: first.id).first { $0.name.hasSuffix("/3") })
    #expect(fourth.status == .failed && fourth.redriveCount == 0)
  }
}
