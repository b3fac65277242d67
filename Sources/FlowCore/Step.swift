import Foundation
import Logging

/// A unit of work that a `Task` state runs, selected by its `Resource` name.
///
/// A step must be safe to run again: when the process dies while a step is in flight, the resumed
/// execution runs it once more with the same ``StepContext/idempotencyKey`` and the next attempt number.
/// Use the key for anything with outside effects.
public protocol Step: Sendable {
  /// Runs the step on the task's effective input (after `InputPath` and `Parameters`).
  /// - Returns: the task's result, before `ResultSelector` and `ResultPath`.
  /// - Throws: ``StepFailure`` to fail with a named error that `Retry` and `Catch` can match;
  ///   any other error fails the task with `States.TaskFailed`.
  func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue
}

/// What a step knows about the task it runs for.
public struct StepContext: Sendable {
  /// The execution's id.
  public var executionId: String
  /// The Task state's name.
  public var stateName: String
  /// 1 for the first attempt; grows with each retry and each re-run after a crash.
  public var attempt: Int
  /// The same for every attempt of this task in this execution: use it to make outside effects idempotent.
  public var idempotencyKey: String
  /// A directory the step may write files to; kept with the execution.
  public var artifactsDirectory: URL
  /// The step's logger; its lines go to the execution's log.
  public var logger: Logger
  /// The task's `TimeoutSeconds`, when set: a step that starts outside work may pass it on.
  public var timeoutSeconds: Double?
  /// Tells the engine that the step is alive, resetting the `HeartbeatSeconds` timer.
  public var heartbeat: @Sendable () async -> Void
  /// The task's own durable progress, kept across attempts: a step that does many units of work (the trials of a
  /// tuning job) saves each finished one, and a re-run after a crash loads them instead of repeating them.
  public var checkpoints: StepCheckpoints
  /// The values of the secrets this attempt's parameters referenced (see ``SecretResolver``): a step that writes
  /// logs or files masks them (``SecretResolver/mask(_:_:)-(String,_)``).
  public var secrets: [String] = []
  /// The Task's `Resource`, as written (with any `.sync` or `.waitForTaskToken` suffix).
  public var resource: String
  /// The pipeline's `Flow.Resources` block (see ``ResourceMapping``); empty when it has none.
  public var mappedResources: JSONObject

  public init(
    executionId: String, stateName: String, attempt: Int, idempotencyKey: String,
    artifactsDirectory: URL, logger: Logger, timeoutSeconds: Double? = nil,
    heartbeat: @escaping @Sendable () async -> Void = {}, checkpoints: StepCheckpoints = .inMemory(),
    resource: String = "", mappedResources: JSONObject? = nil
  ) {
    self.resource = resource
    self.mappedResources = mappedResources ?? JSONObject()
    self.executionId = executionId
    self.stateName = stateName
    self.attempt = attempt
    self.idempotencyKey = idempotencyKey
    self.artifactsDirectory = artifactsDirectory
    self.logger = logger
    self.timeoutSeconds = timeoutSeconds
    self.heartbeat = heartbeat
    self.checkpoints = checkpoints
  }
}

/// Durable checkpoints of one task (see ``StepContext/checkpoints``).
public struct StepCheckpoints: Sendable {
  private let loader: @Sendable () throws -> [JSONValue]
  private let saver: @Sendable (JSONValue) throws -> Void

  /// - Parameters:
  ///   - load: returns every saved checkpoint, oldest first.
  ///   - save: appends one durably; it must be committed when it returns.
  public init(load: @escaping @Sendable () throws -> [JSONValue], save: @escaping @Sendable (JSONValue) throws -> Void) {
    loader = load
    saver = save
  }

  /// Every checkpoint saved by earlier attempts (and this one), oldest first.
  public func load() throws -> [JSONValue] { try loader() }

  /// Saves a checkpoint; it is durable when this returns.
  public func save(_ value: JSONValue) throws { try saver(value) }

  /// Checkpoints kept in memory only (for steps run outside an executor, and tests).
  public static func inMemory() -> StepCheckpoints {
    let box = CheckpointBox()
    return StepCheckpoints(load: { box.values }, save: { box.append($0) })
  }
}

private final class CheckpointBox: Sendable {
  private let stored = Locked<[JSONValue]>([])
  var values: [JSONValue] { stored.value }
  func append(_ value: JSONValue) { stored.withLock { $0.append(value) } }
}

/// A named error, as the States Language has them: an error name that `Retry` and `Catch` match,
/// and a human-readable cause.
public struct StepFailure: Error, Hashable, Sendable, Codable, CustomStringConvertible {
  public var error: String
  public var cause: String

  public init(_ error: String, cause: String) {
    self.error = error
    self.cause = cause
  }

  public var description: String { cause.isEmpty ? error : "\(error): \(cause)" }
}

/// Maps `Resource` names to steps.
public struct StepRegistry: Sendable {
  private var steps: [String: any Step] = [:]

  public init() {}

  /// Registers `step` under `resource` (for example `"flow:echo"`), replacing any step of that name.
  public mutating func register(_ resource: String, _ step: any Step) {
    steps[resource] = step
  }

  private var prefixed: [(prefix: String, step: any Step)] = []

  /// Registers `step` for every resource that starts with `prefix` and has no step of its own
  /// (`"arn:aws:"`: the AWS resources a pipeline maps to local programs).
  public mutating func register(prefix: String, _ step: any Step) {
    prefixed.append((prefix, step))
  }

  /// The step registered under `resource`, ignoring a `.sync` or `.waitForTaskToken` suffix, else the step of
  /// the first prefix it starts with.
  public func step(for resource: String) -> (any Step)? {
    steps[resource] ?? steps[StepRegistry.baseName(of: resource)] ?? prefixed.first { resource.hasPrefix($0.prefix) }?.step
  }

  /// Every registered resource name, sorted.
  public var resources: [String] { steps.keys.sorted() }

  /// `resource` without an integration-pattern suffix (`.sync`, `.sync:2`, `.waitForTaskToken`).
  public static func baseName(of resource: String) -> String {
    for suffix in [".waitForTaskToken", ".sync:2", ".sync"] where resource.hasSuffix(suffix) {
      return String(resource.dropLast(suffix.count))
    }
    return resource
  }
}
