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
    owner = LeaseOwner.current(name: options.ownerName)
  }

  /// Creates an execution of `pipeline` (committing `ExecutionStarted`) and takes its lease; ``run(_:)`` then runs it.
  /// - Throws: ``ExecutorError`` when the name is taken, the input too large, or the store cannot be written.
  public func start(_ pipeline: Pipeline, input: JSONValue, name: String? = nil, parentId: String? = nil) throws -> ExecutionRecord {
    if let parentId { try checkNesting(under: parentId) }
    let new = try prepare(pipeline, input: input, name: name, parentId: parentId)
    do {
      try store.create(new.record, events: [new.started], scopes: [new.root])
    } catch let error as StoreError {
      throw ExecutorError(error.message)
    }
    options.observer?(new.started)
    return new.record
  }

  /// What creating an execution writes — its record (lease held by this executor), `ExecutionStarted` and its
  /// root scope — built but not stored: ``start(_:input:name:parentId:)`` and scheduled starts store it each in
  /// their own transaction, ``run(new:pipeline:onCreated:)`` with the execution's first commit.
  /// - Throws: ``ExecutorError`` when the input is larger than the payload limit.
  public func prepare(_ pipeline: Pipeline, input: JSONValue, name: String? = nil, parentId: String? = nil) throws -> NewExecution {
    let id = UUID().uuidString.lowercased()
    let now = options.clock.now()
    let size = input.serialized().utf8.count
    guard size <= options.payloadLimitBytes else {
      throw ExecutorError("the execution input is \(size) bytes, more than the limit of \(options.payloadLimitBytes) bytes")
    }
    let record = ExecutionRecord(
      id: id, name: name ?? id, pipeline: pipeline.name, pipelinePath: pipeline.path,
      definition: pipeline.document.serialized(), input: input, startTime: now, owner: owner,
      leaseUntil: now + options.leaseSeconds, parentId: parentId, leaseEpoch: 1)
    let started = HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: now,
                               details: EventDetails.executionStarted(input: input, roleArn: ""))
    let root = ScopeRecord(id: "root", status: .running,
                           position: Position(state: pipeline.machine.startAt, input: input, previousEvent: 1, variables: [:]).json)
    return NewExecution(record: record, started: started, root: root)
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
    // A store busy with another process's write is waited out for up to one lease time.
    let now = Date().timeIntervalSince1970
    let patience = { now + self.options.leaseSeconds }
    var fence = try busyAsExecutorError(record.id) {
      try waitingOutBusy(until: patience) {
        try store.acquireLease(record.id, owner: owner, until: Date().timeIntervalSince1970 + options.leaseSeconds, now: Date().timeIntervalSince1970)
      }
    }
    if fence == nil, let previous = record.owner, LeaseOwner.isDeadLocalProcess(previous) {
      fence = try waitingOutBusy(until: patience) {
        try store.takeOverLease(record.id, from: previous, to: owner, until: Date().timeIntervalSince1970 + options.leaseSeconds)
      }
    }
    guard let fence else {
      throw ExecutorError("execution \(record.id) is being run by another live process (\(record.owner ?? "unknown"))", code: .busy)
    }
    return try await run(record, under: fence, pipeline: loaded)
  }

  /// Runs an execution ``prepare(_:input:name:parentId:)`` built and nobody stored yet: its first commit creates
  /// it (with `ExecutionStarted` and whatever its first transitions queued), so a run whose states need no effect
  /// before they end, Pass and Choice states, costs one commit instead of two. That commit comes before the first
  /// effect, at the latest after ``ExecutorOptions/autoFlushEvents`` events or one yield of a long loop of states.
  ///
  /// `onCreated` is called once: with nil as soon as that commit landed (the execution exists, durably), or with the
  /// error that kept it from landing (nothing of the execution exists; a taken name is a ``StoreError`` with code
  /// ``StoreError/Code/constraint``).
  /// - Returns: the execution's final record.
  /// - Throws: ``ExecutorError`` as ``run(_:pipeline:)`` does, or the error `onCreated` got.
  public func run(new: NewExecution, pipeline: Pipeline, onCreated: @escaping @Sendable ((any Error)?) -> Void) async throws
    -> ExecutionRecord {
    let once = CallOnce(onCreated)
    options.observer?(new.started)
    do {
      let ended = try await run(new.record, under: LeaseFence(owner: owner, epoch: new.record.leaseEpoch), pipeline: pipeline,
                                creating: new, onCreated: once.call)
      once.call(nil)
      return ended
    } catch {
      once.call(error)
      throw error
    }
  }

  /// Runs an execution this process claimed (``ExecutionStore/claimExecutions(owner:limit:until:now:filter:)``)
  /// under the fence the claim took, without acquiring the lease again.
  /// - Returns: the execution's final record.
  /// - Throws: ``ExecutorError`` as ``run(_:pipeline:)`` does; the lease is released when it returns or throws.
  public func run(claimed: ClaimedExecution, pipeline loaded: Pipeline? = nil) async throws -> ExecutionRecord {
    try await run(claimed.record, under: claimed.fence, pipeline: loaded)
  }

  /// Runs `record` under `fence`, which this process holds, to its end (whose commit ends the lease); releases the
  /// lease when it stops without ending.
  private func run(_ record: ExecutionRecord, under fence: LeaseFence, pipeline loaded: Pipeline?, creating: NewExecution? = nil,
                   onCreated: (@Sendable ((any Error)?) -> Void)? = nil) async throws -> ExecutionRecord {
    do {
      guard record.status == .running else {
        throw ExecutorError("execution \(record.id) has already finished (\(record.status.rawValue))")
      }
      let pipeline: Pipeline
      do {
        pipeline = try loaded ?? loader.load(document: try JSONValue(parsing: record.definition), path: record.pipelinePath)
      } catch {
        throw ExecutorError("execution \(record.id): its stored definition no longer loads: \(error)")
      }
      return try await ExecutionDriver(executor: self, record: record, pipeline: pipeline, fence: fence, creating: creating,
                                       onCreated: onCreated).drive()
    } catch {
      try? await StoreThreads.run { [store] in try store.releaseLease(record.id, fence: fence) }
      throw error
    }
  }

  /// Turns a store that stayed busy into a message for the user.
  private func busyAsExecutorError<T>(_ executionId: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as StoreError where error.code == .busy {
      throw ExecutorError("execution \(executionId): the store is locked by another process (\(error.message)); try again when it is done", code: .busy)
    }
  }

  /// Gives up this process's lease on an execution it started but will not run (`flow run --detach`).
  public func release(_ executionId: String) throws {
    guard let record = try store.execution(executionId), record.owner == owner else { return }
    try store.releaseLease(executionId, fence: LeaseFence(owner: owner, epoch: record.leaseEpoch))
  }

  /// Throws when an execution started under `parentId` would nest deeper than ``ExecutorOptions/maxNestingDepth``.
  func checkNesting(under parentId: String) throws {
    var chain: [ExecutionRecord] = []
    var next: String? = parentId
    while let id = next, let record = try store.execution(id), chain.count <= options.maxNestingDepth {
      chain.append(record)
      next = record.parentId
    }
    guard chain.count >= options.maxNestingDepth else { return }
    let names = chain.reversed().map { "\($0.pipeline) (\($0.id.prefix(8)))" }.joined(separator: " → ")
    throw ExecutorError("flow:pipeline children may nest at most \(options.maxNestingDepth) levels deep; this one would be level \(chain.count + 1): \(names) → …",
                        code: .nestingLimit)
  }

  /// Re-opens a FAILED, TIMED_OUT or ABORTED execution so that ``run(_:)`` re-runs it from the states that failed,
  /// reusing every result that succeeded (Step Functions' redrive).
  public func redrive(_ executionId: String) throws -> ExecutionRecord {
    try redrive(executionId, announce: true)
  }

  /// ``redrive(_:)``; `announce: false` keeps the `ExecutionRedriven` event from the observer, which follows
  /// another execution (a Distributed Map's parent redriving its children).
  func redrive(_ executionId: String, announce: Bool) throws -> ExecutionRecord {
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
    let event = HistoryEvent(id: last + 1, previousId: last, type: .executionRedriven, timestamp: options.clock.now(),
                             details: EventDetails.executionRedriven(count: record.redriveCount + 1))
    try store.reopen(record.id, scopes: reopened, events: [event])
    if announce { options.observer?(event) }
    return try store.execution(record.id) ?? record
  }
}
