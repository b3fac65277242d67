/// The stable identifier of a kind of ``Diagnostic``, printed in brackets (`[unknown-state]`).
///
/// A struct rather than a public enum, so that adding a code does not break callers that switch over them.
public struct DiagnosticCode: Hashable, Sendable, CustomStringConvertible {
  private enum Kind: String, Hashable, Sendable {
    case unreadableFile = "unreadable-file"
    case syntaxError = "syntax-error"
    case duplicateKey = "duplicate-key"
    case invalidKey = "invalid-key"
    case unsupportedTag = "unsupported-tag"
    case unknownField = "unknown-field"
    case literalSecret = "literal-secret"
    case fieldNotAllowed = "field-not-allowed"
    case conflictingFields = "conflicting-fields"
    case missingField = "missing-field"
    case wrongType = "wrong-type"
    case invalidValue = "invalid-value"
    case unsupportedFeature = "unsupported-feature"
    case unknownStateType = "unknown-state-type"
    case unknownState = "unknown-state"
    case duplicateStateName = "duplicate-state-name"
    case unreachableState = "unreachable-state"
    case noTerminalState = "no-terminal-state"
    case emptyChoice = "empty-choice"
    case invalidPath = "invalid-path"
    case invalidResultPath = "invalid-result-path"
    case invalidTemplate = "invalid-template"
    case invalidIntrinsic = "invalid-intrinsic"
    case invalidJSONata = "invalid-jsonata"
    case queryLanguageMismatch = "query-language-mismatch"
    case invalidVariableName = "invalid-variable-name"
    case invalidTimestamp = "invalid-timestamp"
    case invalidTimeout = "invalid-timeout"
    case invalidRetry = "invalid-retry"
    case statesAllPosition = "states-all-position"
    case unknownResource = "unknown-resource"
    case unregisteredResource = "unregistered-resource"
    case ignoredField = "ignored-field"
  }

  private let kind: Kind
  private init(_ kind: Kind) { self.kind = kind }

  /// The identifier as printed, e.g. `unknown-state`.
  public var rawValue: String { kind.rawValue }
  /// The same as ``rawValue``.
  public var description: String { kind.rawValue }

  /// The file could not be read.
  public static let unreadableFile = DiagnosticCode(.unreadableFile)
  /// The text is not well-formed YAML or JSON.
  public static let syntaxError = DiagnosticCode(.syntaxError)
  /// A mapping has the same key twice.
  public static let duplicateKey = DiagnosticCode(.duplicateKey)
  /// A mapping key is not a string.
  public static let invalidKey = DiagnosticCode(.invalidKey)
  /// A YAML tag that has no JSON equivalent (`!Ref`, `!!binary`, …).
  public static let unsupportedTag = DiagnosticCode(.unsupportedTag)
  /// A field that no States Language object of this kind has.
  public static let unknownField = DiagnosticCode(.unknownField)
  /// A known field used where it is not allowed (`Result` on a Task, `Next` on a nested Choice rule, …).
  public static let fieldNotAllowed = DiagnosticCode(.fieldNotAllowed)
  /// Two fields that exclude each other (`Next` and `End`, `Seconds` and `SecondsPath`, …).
  public static let conflictingFields = DiagnosticCode(.conflictingFields)
  /// A literal value under a key that looks like a credential (`password`, `token`, …) in a task's Parameters (a
  /// warning): it would be stored with the pipeline and its history; use `{Secret: NAME}`.
  public static let literalSecret = DiagnosticCode(.literalSecret)
  /// A required field is absent.
  public static let missingField = DiagnosticCode(.missingField)
  /// A field's value has the wrong JSON type.
  public static let wrongType = DiagnosticCode(.wrongType)
  /// A field's value has the right type but is not allowed (out of range, not one of the choices, …).
  public static let invalidValue = DiagnosticCode(.invalidValue)
  /// A States Language feature flow does not run (JSONata, `ResultWriter`, …).
  public static let unsupportedFeature = DiagnosticCode(.unsupportedFeature)
  /// `Type` is not one of the eight state types.
  public static let unknownStateType = DiagnosticCode(.unknownStateType)
  /// `StartAt`, `Next`, `Default` or a catcher's `Next` names a state that is not defined in its scope.
  public static let unknownState = DiagnosticCode(.unknownState)
  /// Two states (possibly in different branches) have the same name.
  public static let duplicateStateName = DiagnosticCode(.duplicateStateName)
  /// A state that no transition leads to (a warning).
  public static let unreachableState = DiagnosticCode(.unreachableState)
  /// No state that ends the execution can be reached.
  public static let noTerminalState = DiagnosticCode(.noTerminalState)
  /// A Choice state without rules.
  public static let emptyChoice = DiagnosticCode(.emptyChoice)
  /// A JSONPath that does not compile.
  public static let invalidPath = DiagnosticCode(.invalidPath)
  /// A `ResultPath` that is not a reference path.
  public static let invalidResultPath = DiagnosticCode(.invalidResultPath)
  /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`) with a bad `.$` member.
  public static let invalidTemplate = DiagnosticCode(.invalidTemplate)
  /// An intrinsic function call that does not compile.
  public static let invalidIntrinsic = DiagnosticCode(.invalidIntrinsic)
  /// A `{% … %}` expression that is not valid JSONata (reported at the column inside the expression).
  public static let invalidJSONata = DiagnosticCode(.invalidJSONata)
  /// A field of the other query language (`Parameters` in a JSONata state, `Output` in a JSONPath one), or a
  /// JSONPath state in a JSONata state machine.
  public static let queryLanguageMismatch = DiagnosticCode(.queryLanguageMismatch)
  /// An `Assign` key that is not a valid variable name.
  public static let invalidVariableName = DiagnosticCode(.invalidVariableName)
  /// A timestamp literal that is not RFC 3339.
  public static let invalidTimestamp = DiagnosticCode(.invalidTimestamp)
  /// A `TimeoutSeconds` or `HeartbeatSeconds` out of range.
  public static let invalidTimeout = DiagnosticCode(.invalidTimeout)
  /// A `Retry` value out of range.
  public static let invalidRetry = DiagnosticCode(.invalidRetry)
  /// `States.ALL` not alone or not in the last retrier/catcher.
  public static let statesAllPosition = DiagnosticCode(.statesAllPosition)
  /// A `flow:` resource that no step is registered under.
  public static let unknownResource = DiagnosticCode(.unknownResource)
  /// A resource outside `flow:` (an AWS ARN, …): it runs only if a step is registered under that name (a warning).
  public static let unregisteredResource = DiagnosticCode(.unregisteredResource)
  /// A field that is accepted but has no effect locally (a warning).
  public static let ignoredField = DiagnosticCode(.ignoredField)
}
