/// Thrown when a pipeline file can't become a runnable ``StateMachine``.
///
/// Loading collects every problem before throwing, so ``diagnostics`` lists all errors (never empty), in file order.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
  /// The errors, in file order.
  public var diagnostics: [Diagnostic]

  /// Creates an error from diagnostics, which should include at least one error.
  public init(diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  /// One rendered diagnostic per line.
  public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}
