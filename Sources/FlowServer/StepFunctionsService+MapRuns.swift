import FlowCore
import FlowStore

/// Distributed Map children in ListExecutions, as AWS lists them: a state machine's executions leave them out,
/// and `mapRunArn` (the ARN in the parent's `MapRunStarted` event) lists one Map Run's children.
///
/// A child is an execution whose `parent_id` is set and whose name is `PARENT/<prefix>/<index>`
/// (``MapRunChildName``); the Map Run's id ends with the first 16 hex digits of SHA-256 of `PARENT/<prefix>`, so a
/// Map Run ARN names its parent execution and picks its children among the parent's.
extension StepFunctionsService {
  /// The Map Run ARN the server shows for the executor's own (`arn:flow:states:local:0:mapRun:PIPELINE/RUN-ID`)
  /// in `execution`'s history: ``ResourceNames/mapRun(machine:execution:runId:)``, which ListExecutions resolves.
  func mapRunArn(_ executorArn: String, of execution: ExecutionRecord) -> String {
    guard let slash = executorArn.lastIndex(of: "/") else { return executorArn }
    return names.mapRun(machine: execution.pipeline, execution: execution.name, runId: String(executorArn[executorArn.index(after: slash)...]))
  }

  /// ListExecutions with `mapRunArn`: the children of that Map Run, newest first, with AWS's pagination.
  func listMapRunExecutions(_ arn: String, _ request: Request) throws -> JSONValue {
    guard try request.string("stateMachineArn") == nil else {
      throw StepFunctionsError.validation("give either stateMachineArn or mapRunArn, not both")
    }
    guard let run = names.mapRunNames(arn) else { throw StepFunctionsError.invalidArn(arn, "a Map Run of \(names.region) / \(names.account)") }
    let notFound = StepFunctionsError("ResourceNotFound", "Map Run Does Not Exist: '\(arn)'")
    guard let parent = try store.execution(pipeline: run.machine, name: run.execution) else { throw notFound }
    if try request.string("statusFilter") == "PENDING_REDRIVE" { return ["executions": []] }
    let status = try Self.statusFilter(request)
    let size = try request.pageSize()
    let cursor = try Self.executionCursor(request)
    let children = try store.children(of: parent.id).filter { child in
      Self.mapRunId(of: child, parentId: parent.id).map { run.runId.hasSuffix("-" + $0) } ?? false
    }
    if children.isEmpty {
      // A Map Run over no items has no children: it exists when the parent's history started it.
      let started = try store.events(of: parent.id, after: 0).contains { event in
        event.type == .mapRunStarted && event.details["mapRunArn"]?.stringValue?.hasSuffix("/" + run.runId) == true
      }
      guard started else { throw notFound }
    }
    let rows = children
      .filter { child in status.map { child.status == $0 } ?? true }
      .sorted { ($0.startTime, $0.id) > ($1.startTime, $1.id) }
      .filter { child in cursor.map { (child.startTime, child.id) < ($0.startTime, $0.id) } ?? true }
    return executionPage(rows, size: size, stateMachineArn: { names.stateMachine($0.pipeline) }, mapRunArn: arn)
  }

  /// The digest part of the Map Run id of a Distributed Map child (16 hex digits of SHA-256 of `PARENT/<prefix>`).
  static func mapRunId(of child: ExecutionRecord, parentId: String) -> String? {
    guard MapRunChildName.isChild(child.name, of: parentId), let slash = child.name.lastIndex(of: "/") else { return nil }
    let prefix = child.name[child.name.index(child.name.startIndex, offsetBy: parentId.count + 1)..<slash]
    return String(HashAlgorithm.sha256.hexDigest(Array("\(parentId)/\(prefix)".utf8)).prefix(16))
  }
}
