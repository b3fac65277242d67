import Foundation

/// The status of an execution, with Step Functions' names.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
  case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED"
  case timedOut = "TIMED_OUT", aborted = "ABORTED"

  /// True for every status but `RUNNING`.
  public var isFinal: Bool { self != .running }
}

/// One execution as the store keeps it.
public struct ExecutionRecord: Sendable, Equatable {
  public var id: String
  /// The execution's name (unique per pipeline).
  public var name: String
  /// The pipeline's name (`Flow.Name` or the file name).
  public var pipeline: String
  /// The pipeline file's path as given when the execution started.
  public var pipelinePath: String
  /// The whole pipeline document (JSON text), so a resumed execution runs the definition it started with.
  public var definition: String
  public var status: ExecutionStatus
  public var input: JSONValue
  public var output: JSONValue?
  public var error: String?
  public var cause: String?
  /// Seconds since 1970.
  public var startTime: Double
  public var stopTime: Double?
  /// The process that runs the execution, and until when its lease holds.
  public var owner: String?
  public var leaseUntil: Double?
  /// The execution that started this one (`flow:pipeline`), if any.
  public var parentId: String?
  /// How many times `flow redrive` restarted it.
  public var redriveCount: Int
  /// Set by `flow stop` for a live owner to see.
  public var stopRequested: Bool
  /// How many times the lease was taken: a commit made under an older epoch is rejected (fencing).
  public var leaseEpoch: Int

  public init(
    id: String, name: String, pipeline: String, pipelinePath: String, definition: String,
    status: ExecutionStatus = .running, input: JSONValue, output: JSONValue? = nil, error: String? = nil,
    cause: String? = nil, startTime: Double, stopTime: Double? = nil, owner: String? = nil,
    leaseUntil: Double? = nil, parentId: String? = nil, redriveCount: Int = 0, stopRequested: Bool = false,
    leaseEpoch: Int = 0
  ) {
    self.id = id
    self.name = name
    self.pipeline = pipeline
    self.pipelinePath = pipelinePath
    self.definition = definition
    self.status = status
    self.input = input
    self.output = output
    self.error = error
    self.cause = cause
    self.startTime = startTime
    self.stopTime = stopTime
    self.owner = owner
    self.leaseUntil = leaseUntil
    self.parentId = parentId
    self.redriveCount = redriveCount
    self.stopRequested = stopRequested
    self.leaseEpoch = leaseEpoch
  }

  /// True when the execution is running but no live process holds its lease: the lease ran out, or its owner
  /// was a process on this machine that no longer exists (killed, say, with SIGKILL).
  public func isOrphaned(now: Double = Date().timeIntervalSince1970) -> Bool {
    status == .running && ((leaseUntil ?? 0) < now || owner.map(LeaseOwner.isDeadLocalProcess) ?? true)
  }
}

/// The durable progress of one thread of an execution: the top level, a Parallel branch or a Map iteration.
public struct ScopeRecord: Sendable, Equatable {
  public enum Status: String, Sendable { case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED" }
  /// `root`, or the parent's id followed by the state, visit and branch or item index.
  public var id: String
  public var status: Status
  /// Where the scope stands (executor-defined JSON).
  public var position: JSONValue
  /// The scope's output once it succeeded, or `{"Error", "Cause"}` once it failed.
  public var result: JSONValue?

  public init(id: String, status: Status, position: JSONValue, result: JSONValue? = nil) {
    self.id = id
    self.status = status
    self.position = position
    self.result = result
  }
}

/// A callback token of a `.waitForTaskToken` task.
public struct TaskTokenRecord: Sendable, Equatable {
  public enum Status: String, Sendable { case pending = "PENDING", succeeded = "SUCCEEDED", failed = "FAILED" }
  public var token: String
  public var executionId: String
  public var stateName: String
  public var status: Status
  public var output: JSONValue?
  public var error: String?
  public var cause: String?
  /// Seconds since 1970 of the last heartbeat (or of creation).
  public var heartbeat: Double

  public init(token: String, executionId: String, stateName: String, status: Status = .pending,
              output: JSONValue? = nil, error: String? = nil, cause: String? = nil, heartbeat: Double) {
    self.token = token
    self.executionId = executionId
    self.stateName = stateName
    self.status = status
    self.output = output
    self.error = error
    self.cause = cause
    self.heartbeat = heartbeat
  }
}

/// Everything one durable transition writes, in one transaction.
public struct CommitBatch: Sendable {
  public var executionId: String
  /// The execution's record when this batch creates it (its first commit): inserted first, in the same transaction,
  /// failing with ``StoreError/Code/constraint`` (and writing nothing) when its pipeline has an execution of that
  /// name already.
  public var create: ExecutionRecord?
  public var events: [HistoryEvent] = []
  /// Scope records to insert or replace.
  public var scopes: [ScopeRecord] = []
  /// New callback tokens.
  public var tokens: [TaskTokenRecord] = []
  /// The execution's final status, when this batch ends it.
  public var finish: ExecutionFinish?
  /// The lease the writer holds; the store rejects the batch (``StoreError/Code/leaseLost``) when it no longer does.
  public var fence: LeaseFence?

  public init(executionId: String) { self.executionId = executionId }

  public var isEmpty: Bool { create == nil && events.isEmpty && scopes.isEmpty && tokens.isEmpty && finish == nil }
}

/// How an execution ended.
public struct ExecutionFinish: Sendable, Equatable {
  public var status: ExecutionStatus
  public var output: JSONValue?
  public var error: String?
  public var cause: String?
  public var stopTime: Double
  public init(status: ExecutionStatus, output: JSONValue? = nil, error: String? = nil, cause: String? = nil, stopTime: Double) {
    self.status = status
    self.output = output
    self.error = error
    self.cause = cause
    self.stopTime = stopTime
  }

  /// `record` as a commit carrying this ending leaves it: ended, its lease ended too.
  public func applied(to record: ExecutionRecord) -> ExecutionRecord {
    var ended = record
    ended.status = status
    ended.output = output
    ended.error = error
    ended.cause = cause
    ended.stopTime = stopTime
    ended.leaseUntil = nil
    return ended
  }
}

/// Who holds an execution's lease, and under which epoch: what every commit of its owner is checked against.
public struct LeaseFence: Sendable, Equatable {
  public var owner: String
  public var epoch: Int
  public init(owner: String, epoch: Int) {
    self.owner = owner
    self.epoch = epoch
  }
}
