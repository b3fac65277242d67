/// An activity created through `flow server`'s API (CreateActivity).
public struct ActivityRecord: Sendable, Equatable {
  public var name: String
  /// Seconds since 1970.
  public var createdAt: Double
  public init(name: String, createdAt: Double) {
    self.name = name
    self.createdAt = createdAt
  }
}

/// A durable activity task: the callback token of a Task state waiting for a worker of `activity`.
public struct ActivityTaskRecord: Sendable, Equatable {
  public var token: String
  /// The activity's name.
  public var activity: String
  public var executionId: String
  public var stateName: String
  public var input: JSONValue
  public var createdAt: Double
  /// When the task's `TimeoutSeconds` runs out, if it has one.
  public var deadline: Double?
  public var heartbeatSeconds: Double?
  /// When a worker took it (GetActivityTask), and the worker's name; nil while it waits.
  public var takenAt: Double?
  public var worker: String?

  public init(token: String, activity: String, executionId: String, stateName: String, input: JSONValue, createdAt: Double,
              deadline: Double? = nil, heartbeatSeconds: Double? = nil, takenAt: Double? = nil, worker: String? = nil) {
    self.token = token
    self.activity = activity
    self.executionId = executionId
    self.stateName = stateName
    self.input = input
    self.createdAt = createdAt
    self.deadline = deadline
    self.heartbeatSeconds = heartbeatSeconds
    self.takenAt = takenAt
    self.worker = worker
  }
}
