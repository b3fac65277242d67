import FlowCore
import Foundation
import Testing

@testable import FlowDefinition

@Suite struct FixtureTests {
  @Test(arguments: Fixtures.names(in: "valid"))
  func validFixtureLoadsWithoutErrors(_ name: String) throws {
    let path = Fixtures.path("valid", name)
    let found = testLoader.check(fileAt: path)
    #expect(!found.hasErrors, "\(found.map(\.rendered).joined(separator: "\n"))")
    _ = try testLoader.load(fileAt: path)
  }

  /// Each invalid fixture, with the diagnostic it must produce (among others).
  static let invalid: [(file: String, code: String, line: Int, column: Int)] = [
    ("bad-intrinsic-in-parameters.yaml", "invalid-intrinsic", 6, 13),
    ("branch-next-leaves-its-branch.yaml", "unknown-state", 11, 19),
    ("choice-without-rules.yaml", "empty-choice", 5, 14),
    ("duplicate-key.json", "duplicate-key", 6, 7),
    ("duplicate-key.yaml", "duplicate-key", 6, 5),
    ("duplicate-state-name-in-branch.yaml", "duplicate-state-name", 11, 11),
    ("heartbeat-not-below-timeout.yaml", "invalid-timeout", 7, 23),
    ("interval-seconds-not-integer.yaml", "wrong-type", 8, 26),
    ("invalid-jsonpath-in-input-path.yaml", "invalid-path", 5, 16),
    ("invalid-timestamp-in-wait.yaml", "invalid-timestamp", 5, 16),
    ("invalid-variable-name-in-assign.yaml", "invalid-variable-name", 6, 7),
    ("jsonata-syntax-error-in-output.yaml", "invalid-jsonata", 6, 34),
    ("jsonpath-field-in-jsonata-state.yaml", "query-language-mismatch", 6, 5),
    ("map-tolerated-percentage-over-100.yaml", "invalid-value", 5, 33),
    ("missing-next-and-end.yaml", "missing-field", 4, 5),
    ("nested-choice-rule-with-next.yaml", "field-not-allowed", 10, 11),
    ("next-and-end-together.yaml", "conflicting-fields", 6, 5),
    ("no-terminal-state.yaml", "no-terminal-state", 1, 10),
    ("non-string-key.yaml", "invalid-key", 6, 7),
    ("result-on-task.yaml", "field-not-allowed", 6, 5),
    ("result-path-not-reference-path.yaml", "invalid-result-path", 5, 17),
    ("result-writer-not-supported.yaml", "unsupported-feature", 11, 5),
    ("retry-backoff-below-one.yaml", "invalid-retry", 9, 22),
    ("schedule-cron-hour-out-of-range.yaml", "invalid-value", 4, 14),
    ("schedule-cron-step-zero.json", "invalid-value", 3, 29),
    ("schedule-cron-unknown-weekday-plain.yaml", "invalid-value", 3, 19),
    ("schedule-missing-cron.yaml", "missing-field", 2, 3),
    ("schedule-overlap-not-a-policy.yaml", "invalid-value", 2, 45),
    ("schedule-unknown-key.yaml", "unknown-field", 4, 5),
    ("schedule-unknown-timezone.yaml", "invalid-value", 4, 15),
    ("states-all-not-last-catcher.yaml", "states-all-position", 7, 23),
    ("template-path-syntax-error.yaml", "invalid-template", 6, 16),
    ("unknown-field-in-flow-block.yaml", "unknown-field", 3, 3),
    ("unknown-field-typo.yaml", "unknown-field", 5, 5),
    ("unknown-flow-resource.yaml", "unknown-resource", 5, 15),
    ("unknown-start-at.yaml", "unknown-state", 1, 10),
    ("unknown-state-in-next.yaml", "unknown-state", 8, 11),
    ("unknown-state-type.yaml", "unknown-state-type", 4, 11),
    ("unsupported-yaml-tag.yaml", "unsupported-tag", 6, 17),
    ("wait-with-two-durations.yaml", "conflicting-fields", 6, 5),
    ("yaml-syntax-error.yaml", "syntax-error", 5, 26),
  ]

  @Test(arguments: invalid)
  func invalidFixtureReportsItsProblem(_ expected: (file: String, code: String, line: Int, column: Int)) {
    let path = Fixtures.path("invalid", expected.file)
    let found = testLoader.check(fileAt: path)
    let match = found.first { $0.code.rawValue == expected.code && $0.isError }
    #expect(match != nil, "no [\(expected.code)] in:\n\(found.map(\.rendered).joined(separator: "\n"))")
    if let match {
      #expect(match.location?.line == expected.line && match.location?.column == expected.column,
              "\(match.rendered) is not at \(expected.line):\(expected.column)")
      #expect(match.location?.file == path)
    }
    #expect(throws: DefinitionError.self) { try testLoader.load(fileAt: path) }
  }

  @Test func everyInvalidFixtureHasAnExpectation() {
    #expect(Fixtures.names(in: "invalid") == Self.invalid.map(\.file).sorted())
  }
}
