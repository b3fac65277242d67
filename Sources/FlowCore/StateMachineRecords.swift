/// A state machine created through `flow server`'s API (CreateStateMachine), as the store keeps it.
public struct StateMachineRecord: Sendable, Equatable {
  /// The machine's name; executions of it are stored under this pipeline name.
  public var name: String
  /// The definition as the client sent it (Amazon States Language JSON text).
  public var definition: String
  public var roleArn: String
  /// `STANDARD` or `EXPRESS`.
  public var type: String
  public var description: String?
  /// 1 on creation, incremented by each update (the API's `revisionId`).
  public var revision: Int
  /// Seconds since 1970.
  public var createdAt: Double
  public var updatedAt: Double

  public init(name: String, definition: String, roleArn: String, type: String, description: String? = nil,
              revision: Int = 1, createdAt: Double, updatedAt: Double) {
    self.name = name
    self.definition = definition
    self.roleArn = roleArn
    self.type = type
    self.description = description
    self.revision = revision
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }
}

/// Where a page of executions starts: after the execution that ended the previous page.
public struct ExecutionCursor: Sendable, Equatable {
  public var startTime: Double
  public var id: String
  public init(startTime: Double, id: String) {
    self.startTime = startTime
    self.id = id
  }
}

/// A published version of a state machine (PublishStateMachineVersion): its definition frozen.
public struct StateMachineVersionRecord: Sendable, Equatable {
  public var name: String
  /// 1, 2, … in the order they were published.
  public var version: Int
  public var definition: String
  public var roleArn: String
  public var description: String?
  /// The machine's revision it was published from.
  public var revision: Int
  public var createdAt: Double

  public init(name: String, version: Int, definition: String, roleArn: String, description: String?, revision: Int,
              createdAt: Double) {
    self.name = name
    self.version = version
    self.definition = definition
    self.roleArn = roleArn
    self.description = description
    self.revision = revision
    self.createdAt = createdAt
  }
}

/// An alias of a state machine: versions with weights (their sum is 100).
public struct StateMachineAliasRecord: Sendable, Equatable {
  public var name: String
  public var alias: String
  public var description: String?
  public var routing: [Route]
  public var createdAt: Double
  public var updatedAt: Double

  /// One version the alias routes to, and the percentage of executions it gets.
  public struct Route: Sendable, Equatable {
    public var version: Int
    public var weight: Int
    public init(version: Int, weight: Int) {
      self.version = version
      self.weight = weight
    }
  }

  public init(name: String, alias: String, description: String?, routing: [Route], createdAt: Double, updatedAt: Double) {
    self.name = name
    self.alias = alias
    self.description = description
    self.routing = routing
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// The routing as the stores keep it: JSON `[{"version": N, "weight": W}]`.
  public var routingJSON: String {
    JSONValue.array(routing.map { ["version": .int($0.version), "weight": .int($0.weight)] }).serialized()
  }

  /// Routes read back from ``routingJSON``'s text.
  public static func routes(from json: JSONValue?) -> [Route] {
    (json?.arrayValue ?? []).map { Route(version: $0["version"]?.intValue ?? 0, weight: $0["weight"]?.intValue ?? 0) }
  }
}
