// STUB: the definition helper implements this.
import FlowCore
import FlowExpressions

extension ChoiceCondition {
  /// Whether the condition holds for `scope`. A comparison against a value of the wrong type is false.
  /// - Throws: ``ExpressionError`` `States.Runtime` when `Variable` (or a `…Path` operand) matches nothing,
  ///   except under `IsPresent`, which is then false.
  public func evaluate(in scope: EvaluationScope) throws(ExpressionError) -> Bool { false }
}
