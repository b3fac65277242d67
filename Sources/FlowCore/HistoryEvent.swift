import OrderedCollections

/// One event of an execution's history, in Step Functions' terms: a ``HistoryEventType`` and the members of that
/// type's details object (`stateEnteredEventDetails {name, input}`, `taskFailedEventDetails {error, cause}`, …).
///
/// The store keeps payloads (`input`, `output`, `parameters`) as JSON values; ``awsJSON`` renders them as JSON text,
/// as GetExecutionHistory does. flow's own additions (the attempt number and idempotency key of a task) are kept
/// apart in ``flow``, so the AWS shape stays exact.
public struct HistoryEvent: Sendable, Equatable {
  /// 1, 2, 3, … within the execution.
  public var id: Int
  /// The event this one follows from (0 for the first).
  public var previousId: Int
  public var type: HistoryEventType
  /// Seconds since 1970.
  public var timestamp: Double
  /// The members of the type's details object, with payloads as JSON values.
  public var details: JSONObject
  /// flow's additions: `attempt`, `idempotencyKey`, `afterInterruption` on task events.
  public var flow: JSONObject

  public init(id: Int, previousId: Int, type: HistoryEventType, timestamp: Double, details: JSONObject = [:],
              flow: JSONObject = [:]) {
    self.id = id
    self.previousId = previousId
    self.type = type
    self.timestamp = timestamp
    self.details = details
    self.flow = flow
  }

  /// The state's name, on state and Map iteration events.
  public var name: String? { details["name"]?.stringValue }
  public var error: String? { details["error"]?.stringValue }
  public var cause: String? { details["cause"]?.stringValue }
  /// The task's idempotency key, on task events.
  public var idempotencyKey: String? { flow["idempotencyKey"]?.stringValue }
}

/// The details of each kind of event, built with Step Functions' member names.
public enum EventDetails {
  public static func stateEntered(_ name: String, input: JSONValue) -> JSONObject { ["name": .string(name), "input": input] }
  public static func stateExited(_ name: String, output: JSONValue, assigned: JSONObject = [:]) -> JSONObject {
    var details: JSONObject = ["name": .string(name), "output": output]
    if !assigned.isEmpty { details["assignedVariables"] = .object(assigned) }
    return details
  }
  public static func executionStarted(input: JSONValue, roleArn: String) -> JSONObject { ["input": input, "roleArn": .string(roleArn)] }
  public static func executionSucceeded(output: JSONValue) -> JSONObject { ["output": output] }
  /// `error` and `cause`, each present only when known (a Fail state may have neither).
  public static func failure(error: String?, cause: String?) -> JSONObject {
    var details = JSONObject()
    if let error { details["error"] = .string(error) }
    if let cause { details["cause"] = .string(cause) }
    return details
  }
  public static func taskScheduled(resource: String, parameters: JSONValue, timeout: Double?, heartbeat: Double?) -> JSONObject {
    var details = task(resource)
    details["region"] = "local"
    details["parameters"] = parameters
    if let timeout { details["timeoutInSeconds"] = .int(Int(timeout.rounded(.up))) }
    if let heartbeat { details["heartbeatInSeconds"] = .int(Int(heartbeat.rounded(.up))) }
    return details
  }
  public static func taskStarted(resource: String) -> JSONObject { task(resource) }
  public static func taskSucceeded(resource: String, output: JSONValue) -> JSONObject {
    var details = task(resource)
    details["output"] = output
    return details
  }
  public static func taskFailed(resource: String, error: String?, cause: String?) -> JSONObject {
    task(resource).merging(failure(error: error, cause: cause)) { $1 }
  }
  public static func mapStateStarted(length: Int) -> JSONObject { ["length": .int(length)] }
  public static func mapIteration(_ name: String, index: Int) -> JSONObject { ["name": .string(name), "index": .int(index)] }
  public static func executionRedriven(count: Int) -> JSONObject { ["redriveCount": .int(count)] }

  /// `resourceType` and `resource` as Step Functions splits them: `arn:aws:states:::lambda:invoke` is
  /// `lambda` / `invoke`, `flow:exec` is `flow` / `exec`.
  static func task(_ resource: String) -> JSONObject {
    let parts = resource.hasPrefix("arn:") ? Array(resource.split(separator: ":", omittingEmptySubsequences: false).suffix(2)) : Array(resource.split(separator: ":", maxSplits: 1))
    guard parts.count == 2 else { return ["resourceType": .string(resource), "resource": .string(resource)] }
    return ["resourceType": .string(String(parts[0])), "resource": .string(String(parts[1]))]
  }
}

extension HistoryEvent {
  /// Members whose values Step Functions sends as JSON text.
  static let textPayloads: Set<String> = ["input", "output", "parameters"]

  /// The event exactly as Step Functions' GetExecutionHistory shows it (the AWS CLI's rendering: timestamps as
  /// ISO 8601 text), plus a `flow` member with flow's additions when there are any.
  public func awsJSON(timestamp format: (Double) -> String) -> JSONValue {
    var object: JSONObject = ["timestamp": .string(format(timestamp)), "type": .string(type.rawValue), "id": .int(id),
                              "previousEventId": .int(previousId)]
    if let member = type.detailsMember {
      var rendered = JSONObject()
      for (key, value) in details {
        if Self.textPayloads.contains(key) {
          rendered[key] = .string(value.serialized())
          if key != "parameters" { rendered[key + "Details"] = ["truncated": false] }
        } else if key == "assignedVariables", case .object(let variables) = value {
          rendered[key] = .object(variables.mapValues { .string($0.serialized()) })
          rendered["assignedVariablesDetails"] = ["truncated": false]
        } else {
          rendered[key] = value
        }
      }
      object[member] = .object(rendered)
    }
    if !flow.isEmpty { object["flow"] = .object(flow) }
    return .object(object)
  }

  /// How the store keeps `details` and `flow` in one JSON column.
  public var storedDetails: JSONValue {
    var stored = details
    if !flow.isEmpty { stored["flow"] = .object(flow) }
    return .object(stored)
  }

  /// Rebuilds an event from the store's columns.
  public init(id: Int, previousId: Int, storedType: String, timestamp: Double, storedDetails: JSONValue) throws {
    guard let type = HistoryEventType(rawValue: storedType) else {
      throw StoreError("store: unknown history event type '\(storedType)'", code: .corrupt)
    }
    var details = storedDetails.objectValue ?? [:]
    let flow = details.removeValue(forKey: "flow")?.objectValue ?? [:]
    self.init(id: id, previousId: previousId, type: type, timestamp: timestamp, details: details, flow: flow)
  }
}
