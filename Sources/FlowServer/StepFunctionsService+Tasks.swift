import FlowCore
import FlowStore
import Foundation

/// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat answer `.waitForTaskToken` tasks through the same
/// callback-token records as `flow task success|failure|heartbeat`; the waiting task sees the answer at its next poll.
extension StepFunctionsService {
  func sendTaskSuccess(_ request: Request) throws -> JSONValue {
    let token = try request.required("taskToken")
    let text = try request.required("output")
    let output: JSONValue
    do { output = try JSONValue(parsing: text) } catch {
      throw StepFunctionsError("InvalidOutput", "Invalid Output: '\(error.line):\(error.column): \(error.message)'")
    }
    try answer(token) { try store.completeToken(token, status: .succeeded, output: output, error: nil, cause: nil, now: $0) }
    return [:]
  }

  func sendTaskFailure(_ request: Request) throws -> JSONValue {
    let token = try request.required("taskToken")
    let error = try request.string("error"), cause = try request.string("cause")
    try answer(token) { try store.completeToken(token, status: .failed, output: nil, error: error, cause: cause, now: $0) }
    return [:]
  }

  func sendTaskHeartbeat(_ request: Request) throws -> JSONValue {
    let token = try request.required("taskToken")
    try answer(token) { try store.heartbeatToken(token, now: $0) }
    return [:]
  }

  /// Checks the token as AWS does, then records the answer: a token flow never issued is `InvalidToken`; one
  /// whose execution has ended is `TaskDoesNotExist`; one already answered (or timed out) is `TaskTimedOut`.
  private func answer(_ token: String, _ write: (Double) throws -> Void) throws {
    guard !token.isEmpty, token.utf8.count <= 1024, let record = try store.token(token) else {
      throw StepFunctionsError("InvalidToken", "Invalid Token: 'Invalid token'")
    }
    guard let execution = try store.execution(record.executionId), execution.status == .running else {
      throw StepFunctionsError("TaskDoesNotExist", "Task Does Not Exist: the execution of this task has ended")
    }
    guard record.status == .pending else {
      throw StepFunctionsError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    }
    // An activity task whose TimeoutSeconds or HeartbeatSeconds ran out has timed out (its Task has moved on).
    if let task = try store.activityTask(token) {
      let now = Date().timeIntervalSince1970
      if let deadline = task.deadline, now >= deadline {
        throw StepFunctionsError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
      }
      if let heartbeat = task.heartbeatSeconds, now >= record.heartbeat + heartbeat {
        throw StepFunctionsError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
      }
    }
    do { try write(Date().timeIntervalSince1970) } catch let error as StoreError where error.code == .notFound {
      throw StepFunctionsError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    }
  }
}
