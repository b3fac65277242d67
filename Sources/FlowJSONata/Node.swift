import Foundation

/// A slot that a parent operator (`%`) reads: the label under which an ancestor step binds its input.
final class AncestorSlot {
  var label: String
  var level: Int
  var index: Int
  init(label: String, level: Int, index: Int) { self.label = label; self.level = level; self.index = index }
}

/// A node of the syntax tree, before and after the post-parse stage (which turns `.`/`[`/`{` chains into paths).
final class Node {
  enum Kind {
    case path, binary, unary, name, string, number, value, wildcard, descendant, parent
    case condition, coalesce, elvis, block, bind, regex, function, partial, variable, lambda
    case apply, sort, transform, placeholder
    /// The end of the text where an operand was expected: an error (S0207) unless a missing token is reported first.
    case end
  }
  enum Stage {
    case filter(Node, position: Int)
    case index(String)
  }
  struct SortTerm { var descending: Bool; var expression: Node }
  /// The operator of a `.binary` node, decoded once when the tree is built rather than compared as text on
  /// every evaluation.
  enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case concatenate = "&", range = "..", membership = "in", and, or
  }

  var kind: Kind
  var value: String
  var position: Int
  var literal: JV?
  /// The operator of a `.binary` node (`nil` for an unknown one, an error when evaluated).
  var binaryOperator: BinaryOperator?

  var lhs: Node?
  var rhs: Node?
  var expression: Node?           // unary minus operand
  var expressions: [Node] = []    // block, array constructor
  var pairs: [(Node, Node)] = []  // object constructor / group
  var steps: [Node] = []          // path
  var terms: [SortTerm] = []      // sort
  var arguments: [Node] = []      // function call / lambda parameters
  var procedure: Node?
  var body: Node?
  var signature: Signature?
  var condition: Node?, then: Node?, otherwise: Node?
  var pattern: Node?, update: Node?, delete: Node?
  var regex: NSRegularExpression?

  var group: (pairs: [(Node, Node)], position: Int)?
  var predicate: [Stage]?
  var stages: [Stage]?
  var keepArray = false
  var consarray = false
  var keepSingletonArray = false
  var tuple = false
  var thunk = false
  var focus: String?
  var index: String?
  var ancestor: AncestorSlot?
  var slot: AncestorSlot?
  var seekingParent: [AncestorSlot]?

  init(_ kind: Kind, _ value: String = "", position: Int) {
    self.kind = kind
    self.value = value
    self.position = position
  }
}
