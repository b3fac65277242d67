import FlowCore
import FlowExecutor
import FlowStore
import Foundation

/// Durable activity tasks: the executor's ``ExecutorOptions/activityScheduler`` for `flow server`.
///
/// A Task state whose `Resource` is an activity ARN that `Flow.Resources` does not map gets a callback token,
/// stored with the attempt's commit; this scheduler stores the task (once per token, so a restart never offers it
/// again) for GetActivityTask; the worker answers with SendTaskSuccess/Failure/Heartbeat on that token, and the
/// Task waits for the answer as a `.waitForTaskToken` task does, within its `TimeoutSeconds`/`HeartbeatSeconds`.
public enum ActivityTasks {
  /// The activity's name in an activity ARN (`arn:aws:states:REGION:ACCOUNT:activity:NAME`), any region or account.
  static func name(of arn: String) -> String? {
    let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 7, parts[5] == "activity", !parts[6].isEmpty else { return nil }
    return String(parts[6])
  }

  /// Offers activity tasks through `store`; an activity that does not exist fails the task with
  /// `ActivityDoesNotExist`.
  public static func scheduler(store: any StepFunctionsStore) -> @Sendable (ActivityOffer) throws -> Void {
    { offer in
      guard let name = name(of: offer.activity), try store.activity(name) != nil else {
        throw StepFailure("ActivityDoesNotExist", cause: "Activity Does Not Exist: '\(offer.activity)'")
      }
      try store.offerActivityTask(ActivityTaskRecord(
        token: offer.token, activity: name, executionId: offer.executionId, stateName: offer.stateName, input: offer.input,
        createdAt: Date().timeIntervalSince1970, deadline: offer.deadline, heartbeatSeconds: offer.heartbeatSeconds))
    }
  }
}

extension ActivityTasks {
  /// The executor's ``ExecutorOptions/activityTaken``: the name of the worker that took the task of a token.
  public static func takenBy(store: any StepFunctionsStore) -> @Sendable (String) throws -> String? {
    { token in
      guard let task = try store.activityTask(token), task.takenAt != nil else { return nil }
      return task.worker ?? ""
    }
  }

  /// Sets both activity hooks of `options` (``scheduler(store:)`` and ``takenBy(store:)``).
  public static func install(in options: inout ExecutorOptions, store: any StepFunctionsStore) {
    options.activityScheduler = scheduler(store: store)
    options.activityTaken = takenBy(store: store)
  }
}

/// CreateActivity, DescribeActivity, ListActivities, DeleteActivity and GetActivityTask.
extension StepFunctionsService {
  func activityName(_ arn: String) throws(StepFunctionsError) -> String {
    guard let name = names.activityName(arn) else { throw .invalidArn(arn, "an activity of \(names.region) / \(names.account)") }
    return name
  }

  func createActivity(_ request: Request) throws -> JSONValue {
    let name = try request.required("name")
    guard ResourceNames.isValidName(name) else { throw StepFunctionsError("InvalidName", "Invalid Name: '\(name)'") }
    let record = try store.createActivity(ActivityRecord(name: name, createdAt: Date().timeIntervalSince1970))
    try tagResource(names.activity(name), request.members["tags"])
    return ["activityArn": .string(names.activity(name)), "creationDate": Self.timestamp(record.createdAt)]
  }

  func describeActivity(_ request: Request) throws -> JSONValue {
    let arn = try request.required("activityArn")
    guard let record = try store.activity(try activityName(arn)) else {
      throw StepFunctionsError("ActivityDoesNotExist", "Activity Does Not Exist: '\(arn)'")
    }
    return ["activityArn": .string(arn), "name": .string(record.name), "creationDate": Self.timestamp(record.createdAt)]
  }

  func listActivities(_ request: Request) throws -> JSONValue {
    let size = try request.pageSize()
    let after = try Self.pagePosition(request.string("nextToken"))
    let page = try store.activities(after: after, limit: size + 1)
    var response: JSONObject = [
      "activities": .array(page.prefix(size).map {
        ["activityArn": .string(names.activity($0.name)), "name": .string($0.name), "creationDate": Self.timestamp($0.createdAt)]
      }),
    ]
    if page.count > size, let last = page.prefix(size).last { response["nextToken"] = .string(Self.pageToken(last.name)) }
    return .object(response)
  }

  func deleteActivity(_ request: Request) throws -> JSONValue {
    let arn = try request.required("activityArn")
    try store.deleteActivity(try activityName(arn))
    return [:]
  }

  /// Waits up to ``activityPollSeconds`` (60 s, as AWS) for a task of the activity; `{}` when none came.
  func getActivityTask(_ request: Request) async throws -> JSONValue {
    let arn = try request.required("activityArn")
    let name = try activityName(arn)
    let worker = try request.string("workerName")
    guard try store.activity(name) != nil else {
      throw StepFunctionsError("ActivityDoesNotExist", "Activity Does Not Exist: '\(arn)'")
    }
    let until = Date().timeIntervalSince1970 + activityPollSeconds
    while true {
      let now = Date().timeIntervalSince1970
      if let task = try store.takeActivityTask(activity: name, worker: worker, now: now) {
        return ["taskToken": .string(task.token), "input": .string(task.input.serialized())]
      }
      if now >= until || Task.isCancelled { return [:] }
      try? await Task.sleep(for: .seconds(min(activityPollInterval, max(0.001, until - now))))
    }
  }

  // MARK: - Tags

  /// Sets the tags of a `tags` member (`[{"key": …, "value": …}]`) on `arn`.
  func tagResource(_ arn: String, _ tags: JSONValue?) throws {
    guard let pairs = try Self.tagPairs(tags) else { return }
    try store.tag(arn, pairs)
  }

  /// The pairs of a `tags` member; nil when it is absent.
  static func tagPairs(_ tags: JSONValue?) throws(StepFunctionsError) -> [(key: String, value: String)]? {
    guard let tags, tags != .null else { return nil }
    guard case .array(let items) = tags else { throw StepFunctionsError.serialization("'tags' must be a list") }
    var pairs: [(key: String, value: String)] = []
    for item in items {
      guard let key = item["key"]?.stringValue else { throw StepFunctionsError.serialization("a tag needs a 'key' string") }
      pairs.append((key, item["value"]?.stringValue ?? ""))
    }
    return pairs
  }

  /// A resource ARN tags may be put on: a state machine or activity of this server that exists.
  func existingTaggable(_ arn: String) throws -> String {
    if let name = names.stateMachineName(arn) {
      guard try catalog.machine(name) != nil else { throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'") }
      return arn
    }
    if let name = names.activityName(arn) {
      guard try store.activity(name) != nil else { throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'") }
      return arn
    }
    throw StepFunctionsError.invalidArn(arn, "a state machine or activity of \(names.region) / \(names.account)")
  }

  func tagResourceAction(_ request: Request) throws -> JSONValue {
    let arn = try existingTaggable(try request.required("resourceArn"))
    guard request.members["tags"] != nil else { throw StepFunctionsError.missingParameter("tags") }
    try tagResource(arn, request.members["tags"])
    return [:]
  }

  func untagResource(_ request: Request) throws -> JSONValue {
    let arn = try existingTaggable(try request.required("resourceArn"))
    guard case .array(let keys)? = request.members["tagKeys"] else { throw StepFunctionsError.missingParameter("tagKeys") }
    try store.untag(arn, keys: keys.compactMap(\.stringValue))
    return [:]
  }

  func listTagsForResource(_ request: Request) throws -> JSONValue {
    let arn = try existingTaggable(try request.required("resourceArn"))
    return ["tags": .array(try store.tags(of: arn).map { ["key": .string($0.key), "value": .string($0.value)] })]
  }
}
