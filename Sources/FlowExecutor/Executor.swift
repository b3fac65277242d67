import FlowCore
import FlowDefinition
import Foundation

/// Starts, runs, resumes, redrives and stops executions on a store.
///
/// ```swift
/// let executor = Executor(store: store, steps: registry, loader: loader, options: options)
/// let record = try executor.start(pipeline, input: ["threshold": 0.9])
/// let finished = try await executor.run(record.id)
/// ```
/// Every transition is committed before its effects are acted on. A process that dies leaves its executions
/// resumable: ``run(_:)`` on the same id continues where the last commit left off.
public final class Executor: Sendable {
  public let store: any ExecutionStore
  public let steps: StepRegistry
  public let loader: PipelineLoader
  public let options: ExecutorOptions
  /// Identifies this process as a lease owner.
  public let owner: String

  public init(store: any ExecutionStore, steps: StepRegistry, loader: PipelineLoader, options: ExecutorOptions) {
    self.store = store
    self.steps = steps
    self.loader = loader
    self.options = options
    owner = LeaseOwner.current()
  }

  /// Creates an execution of `pipeline` (committing `ExecutionStarted`) and takes its lease; ``run(_:)`` then runs it.
  /// - Throws: ``ExecutorError`` when the name is taken, the input too large, or the store cannot be written.
  public func start(_ pipeline: Pipeline, input: JSONValue, name: String? = nil, parentId: String? = nil) throws -> ExecutionRecord {
    let (record, started, root) = try newExecution(pipeline, input: input, name: name, parentId: parentId)
    do {
      try store.create(record, events: [started], scopes: [root])
    } catch let error as StoreError {
      throw ExecutorError(error.message)
    }
    options.observer?(started)
    return record
  }

  /// What creating an execution writes — its record (lease held by this executor), `ExecutionStarted` and its
  /// root scope — built but not stored, so that ``start(_:input:name:parentId:)`` and scheduled starts store it
  /// each in their own transaction.
  /// - Throws: ``ExecutorError`` when the input is larger than the payload limit.
  func newExecution(_ pipeline: Pipeline, input: JSONValue, name: String?, parentId: String?) throws
    -> (record: ExecutionRecord, started: HistoryEvent, root: ScopeRecord) {
    let id = UUID().uuidString.lowercased()
    let now = Date().timeIntervalSince1970
    let size = input.serialized().utf8.count
    guard size <= options.payloadLimitBytes else {
      throw ExecutorError("the execution input is \(size) bytes, more than the limit of \(options.payloadLimitBytes) bytes")
    }
    let record = ExecutionRecord(
      id: id, name: name ?? id, pipeline: pipeline.name, pipelinePath: pipeline.path,
      definition: pipeline.document.serialized(), input: input, startTime: now, owner: owner,
      leaseUntil: now + options.leaseSeconds, parentId: parentId)
    let started = HistoryEvent(id: 1, previousId: 0, type: "ExecutionStarted", timestamp: now,
                               details: ["input": input, "name": .string(record.name), "pipeline": .string(pipeline.name)])
    let root = ScopeRecord(id: "root", status: .running,
                           position: Position(state: pipeline.machine.startAt, input: input, previousEvent: 1, variables: [:]).json)
    return (record, started, root)
  }

  /// Runs an execution to its end in this process: a new one from ``start(_:input:name:parentId:)``, or one
  /// left unfinished by a process that died (resume).
  /// - Returns: the execution's final record.
  /// - Throws: ``ExecutorError`` when the id is unknown, the execution finished already, another live process owns
  ///   it, or the store fails (the execution then stays resumable).
  /// - Parameter pipeline: the execution's pipeline when the caller has it loaded already; otherwise it is
  ///   rebuilt from the definition the store kept.
  public func run(_ executionId: String, pipeline loaded: Pipeline? = nil) async throws -> ExecutionRecord {
    guard let record = try store.execution(executionId) else {
      throw ExecutorError("no execution with id '\(executionId)'")
    }
    guard record.status == .running else {
      throw ExecutorError("execution \(record.id) has already finished (\(record.status.rawValue)); use `flow redrive` to re-run a failed one")
    }
    let now = Date().timeIntervalSince1970
    var leased = try store.acquireLease(record.id, owner: owner, until: now + options.leaseSeconds, now: now)
    if !leased, let previous = record.owner, LeaseOwner.isDeadLocalProcess(previous) {
      leased = try store.takeOverLease(record.id, from: previous, to: owner, until: now + options.leaseSeconds)
    }
    guard leased else {
      throw ExecutorError("execution \(record.id) is being run by another live process (\(record.owner ?? "unknown"))")
    }
    defer { try? store.releaseLease(record.id, owner: owner) }
    let pipeline: Pipeline
    do {
      pipeline = try loaded ?? loader.load(document: try JSONValue(parsing: record.definition), path: record.pipelinePath)
    } catch {
      throw ExecutorError("execution \(record.id): its stored definition no longer loads: \(error)")
    }
    return try await ExecutionDriver(executor: self, record: record, pipeline: pipeline).drive()
  }

  /// Gives up this process's lease on an execution it started but will not run (`flow run --detach`).
  public func release(_ executionId: String) throws {
    try store.releaseLease(executionId, owner: owner)
  }

  /// Re-opens a FAILED, TIMED_OUT or ABORTED execution so that ``run(_:)`` re-runs it from the states that failed,
  /// reusing every result that succeeded (Step Functions' redrive).
  public func redrive(_ executionId: String) throws -> ExecutionRecord {
    guard let record = try store.execution(executionId) else {
      throw ExecutorError("no execution with id '\(executionId)'")
    }
    guard [.failed, .timedOut, .aborted].contains(record.status) else {
      throw ExecutorError("execution \(record.id) is \(record.status.rawValue); only FAILED, TIMED_OUT or ABORTED executions can be redriven")
    }
    var reopened: [ScopeRecord] = []
    for scope in try store.scopes(of: record.id) where scope.status != .succeeded {
      var position = try Position(json: scope.position)
      position.phase = .ready
      position.retrierAttempts = []
      position.enteredEvent = 0
      reopened.append(ScopeRecord(id: scope.id, status: .running, position: position.json))
    }
    let last = try store.lastEventId(of: record.id)
    let event = HistoryEvent(id: last + 1, previousId: last, type: "ExecutionRedriven", timestamp: Date().timeIntervalSince1970,
                             details: ["redriveCount": .int(record.redriveCount + 1)])
    try store.reopen(record.id, scopes: reopened, events: [event])
    options.observer?(event)
    return try store.execution(record.id) ?? record
  }
}
