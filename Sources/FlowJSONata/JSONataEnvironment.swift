import FlowCore
import Foundation

/// Where the random numbers of `$random()` and `$shuffle()` come from.
public struct JSONataRandom: Sendable {
  /// Returns a number in `0..<1`.
  public var next: @Sendable () -> Double
  /// A source backed by `next`.
  public init(_ next: @escaping @Sendable () -> Double) { self.next = next }
  /// The system random generator.
  public static let system = JSONataRandom { Double.random(in: 0..<1) }
}

/// A function written in Swift that expressions can call as `$name(…)`.
public struct JSONataFunction: Sendable {
  /// The name without `$`.
  public var name: String
  /// A JSONata signature such as `<s-n?:s>` (validated before the call), or `nil` for none.
  public var signature: String?
  /// The implementation: arguments in, result out (`nil` = undefined). Throw ``JSONataError`` to fail with a code.
  public var implementation: @Sendable ([JSONValue?]) throws -> JSONValue?

  /// Creates a function.
  public init(name: String, signature: String? = nil, implementation: @escaping @Sendable ([JSONValue?]) throws -> JSONValue?) {
    self.name = name
    self.signature = signature
    self.implementation = implementation
  }
}

/// What an evaluation may depend on besides its input: the clock, randomness, extra functions and limits.
///
/// The defaults use the system clock and random generator. A workflow executor passes its own clock so that
/// `$now()` and `$millis()` are reproducible, and opts into the AWS Step Functions functions with
/// ``stepFunctions(clock:random:)``.
public struct JSONataEnvironment: Sendable {
  /// Milliseconds since 1970-01-01T00:00:00Z; read once per evaluation (`$now()` is constant within one).
  public var clock: @Sendable () -> Double
  /// The source of `$random()` and `$shuffle()`.
  public var random: JSONataRandom
  /// Extra functions, bound over the built-ins.
  public var functions: [JSONataFunction]
  /// Whether `$eval` is available (Step Functions does not offer it).
  public var allowsEval: Bool
  /// Whether the Step Functions additions (`$partition`, `$range`, `$hash`, `$random(seed)`, `$uuid`, `$parse`) are bound.
  public var stepFunctionsFunctions: Bool
  /// The deepest nesting of evaluation allowed before failing with `U1001` (guards the stack against runaway recursion).
  public var maxDepth: Int
  /// The most evaluation steps one evaluation may take before failing with `U1001` (guards against endless loops,
  /// such as a tail-recursive function that never stops); `nil` for no limit.
  public var maxSteps: Int?

  /// Creates an environment.
  public init(clock: @escaping @Sendable () -> Double = JSONataEnvironment.systemMillis, random: JSONataRandom = .system,
              functions: [JSONataFunction] = [], allowsEval: Bool = true, stepFunctionsFunctions: Bool = false,
              maxDepth: Int = 1000, maxSteps: Int? = 10_000_000) {
    self.clock = clock
    self.random = random
    self.functions = functions
    self.allowsEval = allowsEval
    self.stepFunctionsFunctions = stepFunctionsFunctions
    self.maxDepth = maxDepth
    self.maxSteps = maxSteps
  }

  /// The environment of AWS Step Functions' JSONata mode: its extra functions bound, `$eval` unavailable.
  public static func stepFunctions(clock: @escaping @Sendable () -> Double = JSONataEnvironment.systemMillis,
                                   random: JSONataRandom = .system) -> JSONataEnvironment {
    JSONataEnvironment(clock: clock, random: random, allowsEval: false, stepFunctionsFunctions: true)
  }

  /// The system clock in milliseconds since the Unix epoch.
  @Sendable public static func systemMillis() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return (Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec / 1_000_000)).rounded(.down)
  }
}
