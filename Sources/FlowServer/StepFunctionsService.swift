import FlowCore
import FlowDefinition
import FlowExecutor
import FlowStore
import Foundation
import Logging

/// The Step Functions actions over flow's store and executor, independent of HTTP: each takes the request's
/// JSON object and returns the response's, or throws a ``StepFunctionsError`` (AWS's name and message).
///
/// ```swift
/// let service = StepFunctionsService(store: store, executor: executor, loader: loader)
/// let created = try await service.perform("CreateStateMachine", ["name": "hello", "definition": "…", "roleArn": "…"])
/// ```
public final class StepFunctionsService: Sendable {
  public let store: any StepFunctionsStore
  public let executor: Executor
  public let names: ResourceNames
  let catalog: MachineCatalog
  let runner: ExecutionRunner
  let logger: Logger
  /// How long GetActivityTask waits for a task (60 s, as AWS), and how often it looks in the store meanwhile.
  let activityPollSeconds: Double
  let activityPollInterval: Double
  /// The store's reads never wait for a commit (SQLite's read connection): ``answersInPlace(_:)``.
  private let readsInPlace: Bool

  /// - Parameters:
  ///   - pipelinesDirectory: a folder whose pipeline files appear as state machines named by their `Flow.Name`.
  ///   - workers: how many executions run at once in this process.
  public init(store: any StepFunctionsStore, executor: Executor, loader: PipelineLoader, pipelinesDirectory: String? = nil,
              names: ResourceNames = ResourceNames(), workers: Int = 4, logger: Logger = Logger(label: "flow.server"),
              activityPollSeconds: Double = 60, activityPollInterval: Double = 0.05) {
    self.store = store
    readsInPlace = store is SQLiteStore
    self.activityPollSeconds = activityPollSeconds
    self.activityPollInterval = activityPollInterval
    // Unmapped activity ARNs are durable activity tasks (the executor needs ExecutorOptions.activityScheduler).
    var loader = loader
    loader.acceptsActivities = true
    self.executor = executor
    self.names = names
    self.logger = logger
    catalog = MachineCatalog(store: store, loader: loader, directory: pipelinesDirectory, account: names.account, logger: logger)
    runner = ExecutionRunner(executor: executor, workers: workers, logger: logger)
  }

  /// The actions answered, by name.
  public static let actions: [String] = Array(handlers.keys).sorted()

  private typealias Handler = @Sendable (StepFunctionsService, Request) async throws -> JSONValue
  private static let handlers: [String: Handler] = [
    "CreateStateMachine": { try $0.createStateMachine($1) },
    "DescribeStateMachine": { try $0.describeStateMachine($1) },
    "ListStateMachines": { try $0.listStateMachines($1) },
    "DeleteStateMachine": { try $0.deleteStateMachine($1) },
    "UpdateStateMachine": { try $0.updateStateMachine($1) },
    "ValidateStateMachineDefinition": { try $0.validateStateMachineDefinition($1) },
    "StartExecution": { try await $0.startExecution($1) },
    "DescribeExecution": { try $0.describeExecution($1) },
    "DescribeStateMachineForExecution": { try $0.describeStateMachineForExecution($1) },
    "ListExecutions": { try $0.listExecutions($1) },
    "GetExecutionHistory": { try $0.getExecutionHistory($1) },
    "StopExecution": { try await $0.stopExecution($1) },
    "RedriveExecution": { try await $0.redriveExecution($1) },
    "SendTaskSuccess": { try $0.sendTaskSuccess($1) },
    "SendTaskFailure": { try $0.sendTaskFailure($1) },
    "SendTaskHeartbeat": { try $0.sendTaskHeartbeat($1) },
    "PublishStateMachineVersion": { try $0.publishStateMachineVersion($1) },
    "ListStateMachineVersions": { try $0.listStateMachineVersions($1) },
    "CreateStateMachineAlias": { try $0.createStateMachineAlias($1) },
    "DescribeStateMachineAlias": { try $0.describeStateMachineAlias($1) },
    "UpdateStateMachineAlias": { try $0.updateStateMachineAlias($1) },
    "ListStateMachineAliases": { try $0.listStateMachineAliases($1) },
    "StartSyncExecution": { try await $0.startSyncExecution($1) },
    "CreateActivity": { try $0.createActivity($1) },
    "DescribeActivity": { try $0.describeActivity($1) },
    "ListActivities": { try $0.listActivities($1) },
    "DeleteActivity": { try $0.deleteActivity($1) },
    "GetActivityTask": { try await $0.getActivityTask($1) },
    "TagResource": { try $0.tagResourceAction($1) },
    "UntagResource": { try $0.untagResource($1) },
    "ListTagsForResource": { try $0.listTagsForResource($1) },
    "TestState": { try $0.testState($1) },
  ]

  /// Performs one action.
  /// - Throws: ``StepFunctionsError``: the action's own errors, `UnknownOperationException` for an action flow
  ///   does not answer, `ValidationException` for a missing or mistyped member, `InternalFailure` (500) for a
  ///   store failure.
  public func perform(_ action: String, _ input: JSONValue) async throws(StepFunctionsError) -> JSONValue {
    guard let handler = Self.handlers[action] else { throw .unknownOperation(action) }
    guard case .object(let members) = input else { throw .serialization("the request body must be a JSON object") }
    do {
      return try await handler(self, Request(members: members))
    } catch let error as StepFunctionsError {
      throw error
    } catch let error as StoreError where error.code == .busy {
      throw StepFunctionsError("ThrottlingException", "the store is busy: \(error.message)")
    } catch {
      logger.error("\(action) failed: \(error)")
      throw .internalFailure("\(error)")
    }
  }

  /// Whether `action` never blocks its thread on a disk sync or a network, so the server answers it on the
  /// request's own thread, without a hop to ``BlockingThreadPool``. On the SQLite store, whose read connection sees
  /// the last commit without waiting for one: DescribeExecution (the call clients poll), a single read; and
  /// StartExecution, whose reads are single reads and whose commits wait on other threads (the new execution's
  /// own, or ``StoreThreads``) while the request's task is suspended.
  public func answersInPlace(_ action: String) -> Bool {
    readsInPlace && (action == "DescribeExecution" || action == "StartExecution")
  }

  /// Stops starting executions and interrupts the running ones (they stay resumable).
  public func shutdown() async { await runner.shutdown() }

  /// Queues, to run here, the executions of this server's state machines that are RUNNING with no live process
  /// (a server that was stopped or died while they ran or waited for a worker); returns their ids.
  @discardableResult
  public func resumeInterrupted() throws -> [String] {
    let machines = Set(try catalog.all().map(\.name))
    let orphaned = try store.orphanedExecutions(now: Date().timeIntervalSince1970, scheduledOnly: false)
      .filter { machines.contains($0.pipeline) && $0.parentId == nil }
    for record in orphaned { runner.submit(record.id, pipeline: nil) }
    return orphaned.map(\.id)
  }

  // MARK: - Helpers

  /// A request's members, read with AWS's validation errors.
  struct Request: Sendable {
    var members: JSONObject

    func string(_ name: String) throws(StepFunctionsError) -> String? {
      guard let value = members[name], value != .null else { return nil }
      guard let text = value.stringValue else { throw .serialization("'\(name)' must be a string") }
      return text
    }
    func required(_ name: String) throws(StepFunctionsError) -> String {
      guard let text = try string(name) else { throw .missingParameter(name) }
      return text
    }
    func int(_ name: String) throws(StepFunctionsError) -> Int? {
      guard let value = members[name], value != .null else { return nil }
      guard let number = value.intValue else { throw .serialization("'\(name)' must be an integer") }
      return number
    }
    func bool(_ name: String) throws(StepFunctionsError) -> Bool? {
      guard let value = members[name], value != .null else { return nil }
      guard let flag = value.boolValue else { throw .serialization("'\(name)' must be a boolean") }
      return flag
    }
    /// `maxResults`: 0 or absent means `standard`; at most 1000.
    func pageSize(standard: Int = 100) throws(StepFunctionsError) -> Int {
      let size = try int("maxResults") ?? 0
      guard (0...1000).contains(size) else {
        throw .validation("1 validation error detected: Value '\(size)' at 'maxResults' failed to satisfy constraint: Member must have value \(size < 0 ? "greater than or equal to 0" : "less than or equal to 1000")")
      }
      return size == 0 ? standard : size
    }
  }

  static func timestamp(_ seconds: Double) -> JSONValue { .double((seconds * 1000).rounded() / 1000) }

  /// A pagination token: opaque to clients, the position after which the next page starts.
  static func pageToken(_ position: String) -> String { Data(position.utf8).base64EncodedString() }
  static func pagePosition(_ token: String?) throws(StepFunctionsError) -> String? {
    guard let token else { return nil }
    guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
      throw StepFunctionsError("InvalidToken", "Invalid Token: '\(token)'")
    }
    return text
  }

  func machineName(_ arn: String) throws(StepFunctionsError) -> String {
    guard let name = names.stateMachineName(arn) else { throw .invalidArn(arn, "a state machine of \(names.region) / \(names.account)") }
    return name
  }

  func existingMachine(_ arn: String) throws -> Machine {
    guard let machine = try catalog.machine(try machineName(arn)) else { throw StepFunctionsError.stateMachineDoesNotExist(arn) }
    return machine
  }

  func existingExecution(_ arn: String) throws -> ExecutionRecord {
    guard let (machine, name) = names.executionNames(arn) else {
      throw StepFunctionsError.invalidArn(arn, "an execution of \(names.region) / \(names.account)")
    }
    guard let record = try store.execution(pipeline: machine, name: name) else { throw StepFunctionsError.executionDoesNotExist(arn) }
    return record
  }

  func executionArn(_ record: ExecutionRecord) -> String { names.execution(machine: record.pipeline, name: record.name) }
}
