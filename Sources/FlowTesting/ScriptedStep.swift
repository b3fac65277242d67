import FlowCore
import Foundation

/// A step whose replies are scripted call by call, recording every call: the building block of executor tests.
///
/// ```swift
/// let step = ScriptedStep([.failure(StepFailure("Boom", cause: "first")), .success(["ok": true])])
/// steps.register("test:script", step)
/// ```
public final class ScriptedStep: Step, Sendable {
  public enum Reply: Sendable {
    case success(JSONValue)
    case failure(StepFailure)
    /// Returns the step's input.
    case echo
    /// Never returns (until cancelled): a step cut off by a crash.
    case block
  }

  /// One call of the step.
  public struct Call: Sendable, Equatable {
    public var input: JSONValue
    public var state: String
    public var attempt: Int
    public var idempotencyKey: String
  }

  private let replies: Locked<[Reply]>
  private let otherwise: Reply
  private let recorded = Locked<[Call]>([])

  /// - Parameters:
  ///   - replies: the replies of the first calls, in order.
  ///   - otherwise: the reply of every later call.
  public init(_ replies: [Reply] = [], otherwise: Reply = .echo) {
    self.replies = Locked(replies)
    self.otherwise = otherwise
  }

  /// Every call so far, in order.
  public var calls: [Call] { recorded.value }

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    recorded.withLock { $0.append(Call(input: input, state: context.stateName, attempt: context.attempt, idempotencyKey: context.idempotencyKey)) }
    let reply = replies.withLock { $0.isEmpty ? otherwise : $0.removeFirst() }
    switch reply {
    case .success(let value): return value
    case .failure(let failure): throw failure
    case .echo: return input
    case .block:
      try await Task.sleep(for: .seconds(86_400 * 365))
      return input
    }
  }
}
