/// What `flow server` keeps of activities: the activities, the tasks offered to their workers, and the tags of
/// the server's resources.
///
/// Contract (checked on every store by `ServerStoreTests`):
/// - offering a task again under the same token changes nothing, so a restarted server never offers it twice;
/// - ``takeActivityTask(activity:worker:now:)`` hands a task to exactly one caller, even when several servers on
///   one store poll at once: it takes the oldest waiting task whose token is pending, whose execution runs and
///   whose deadline has not passed, and marks it taken in the same transaction;
/// - tags are a map per resource ARN: setting a key again replaces its value.
public protocol ActivityStore: Sendable {
  /// Stores an activity unless one of that name exists; returns the stored one.
  @discardableResult
  func createActivity(_ record: ActivityRecord) throws -> ActivityRecord
  /// The activity named `name`, if any.
  func activity(_ name: String) throws -> ActivityRecord?
  /// The activities whose names sort after `after`, by name, at most `limit`.
  func activities(after: String?, limit: Int) throws -> [ActivityRecord]
  /// Deletes an activity (its waiting tasks stay until their executions end); returns whether it existed.
  @discardableResult
  func deleteActivity(_ name: String) throws -> Bool

  /// Offers an activity task to workers (once per token).
  func offerActivityTask(_ record: ActivityTaskRecord) throws
  /// The activity task of `token`, if that token is one.
  func activityTask(_ token: String) throws -> ActivityTaskRecord?
  /// Takes the oldest waiting task of `activity` for `worker` and starts its heartbeat clock at `now`; nil when
  /// there is none. Exactly one concurrent caller gets a given task.
  func takeActivityTask(activity: String, worker: String?, now: Double) throws -> ActivityTaskRecord?

  /// The tags of a resource, by key.
  func tags(of arn: String) throws -> [(key: String, value: String)]
  /// Sets tags of a resource (a key already set gets the new value).
  func tag(_ arn: String, _ tags: [(key: String, value: String)]) throws
  /// Removes tags of a resource (keys not set are ignored).
  func untag(_ arn: String, keys: [String]) throws
}
