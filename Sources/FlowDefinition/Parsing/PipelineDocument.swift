import FlowCore

/// A parsed pipeline file before validation: the model values built from it, plus the located tree they came from,
/// so that validators can report any problem at its `file:line:column`.
struct PipelineDocument: Sendable {
  /// The path the file was loaded from, as given.
  var path: String
  /// The whole file.
  var root: LocatedNode
  /// `Flow.Name`, or the file name without its extension.
  var name: String
  /// `Flow.Parameters`.
  var parameters: JSONObject
  /// `Flow.Schedule`, as written.
  var schedule: JSONValue?
  /// `Flow.MaxHistoryEvents`.
  var maxHistoryEvents: Int?
  /// `Flow.Resources`: AWS resources mapped to local programs (see `ResourceMapping`).
  var resources = JSONObject()
  /// The top-level state machine.
  var machine: ScopeDocument

  /// Every scope: the top level, then each Parallel branch and Map processor, depth first.
  var allScopes: [ScopeDocument] {
    var result: [ScopeDocument] = []
    func visit(_ scope: ScopeDocument) {
      result.append(scope)
      for state in scope.states { state.scopes.forEach(visit) }
    }
    visit(machine)
    return result
  }

  /// Every state of every scope.
  var allStates: [StateDocument] { allScopes.flatMap(\.states) }
}

/// One state machine: the top level, a Parallel branch or a Map item processor.
/// State names are looked up within one scope: a `Next` cannot leave its branch.
struct ScopeDocument: Sendable {
  enum Kind: Sendable, Equatable {
    case top
    case branch(index: Int, of: String)
    case processor(of: String)
  }

  var kind: Kind
  var node: LocatedNode
  var startAt: Located<String>?
  var states: [StateDocument]
  /// The machine built from the states that could be decoded (complete when there are no errors).
  var machine: StateMachine

  /// How messages name this scope: "the state machine", "branch 1 of 'Fan out'", …
  var displayName: String {
    switch kind {
    case .top: "the state machine"
    case .branch(let index, let parent): "branch \(index + 1) of '\(parent)'"
    case .processor(let parent): "the item processor of '\(parent)'"
    }
  }

  func state(named name: String) -> StateDocument? { states.first { $0.name.value == name } }
}

/// One state as written, with the model value decoded from it (`nil` when its `Type` could not be read).
struct StateDocument: Sendable {
  var name: Located<String>
  var node: LocatedNode
  var state: State?
  /// Every state name this state can move to (`Next`, `Default`, each rule's and catcher's `Next`), where written.
  var targets: [Located<String>]
  /// True for a state that can end its scope: `End: true`, `Succeed` and `Fail`.
  var isTerminal: Bool
  /// False when a transition could not be read (missing, conflicting or mistyped `Next`/`End`, unknown `Type`):
  /// reachability is then unknown, and reporting it would only repeat that error.
  var transitionsKnown = true
  /// Parallel branches or the Map item processor.
  var scopes: [ScopeDocument]
}
