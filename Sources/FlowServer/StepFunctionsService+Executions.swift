import FlowCore
import FlowExecutor
import FlowStore
import Foundation

extension StepFunctionsService {
  /// Starts an execution; it runs in this process as soon as a worker is free, and the answer comes once it is
  /// stored (with a worker free, by its first commit: ``ExecutionRunner/start(_:pipeline:)``). A repeated call with
  /// the same name and input while the execution runs answers the same execution (AWS's idempotency); a different
  /// input, or an execution that has ended, is `ExecutionAlreadyExists`.
  func startExecution(_ request: Request) async throws -> JSONValue {
    let arn = try request.required("stateMachineArn")
    let (machine, pipeline) = try startTarget(arn)
    let given = try request.string("name")
    let name = given ?? UUID().uuidString.lowercased()
    guard ResourceNames.isValidName(name) else { throw StepFunctionsError("InvalidName", "Invalid Name: '\(name)'") }
    let input = try Self.executionInput(request.string("input"), defaults: pipeline.parameters)
    let executionArn = names.execution(machine: machine.name, name: name)
    func same(_ existing: ExecutionRecord) throws -> JSONValue {
      guard existing.status == .running, existing.input == input else {
        throw StepFunctionsError("ExecutionAlreadyExists", "Execution Already Exists: '\(executionArn)'")
      }
      return ["executionArn": .string(executionArn), "startDate": Self.timestamp(existing.startTime)]
    }
    // A name of the caller's may be taken (the creating commit checks again); a generated one is not.
    if given != nil, let existing = try store.execution(pipeline: machine.name, name: name) { return try same(existing) }
    let new: NewExecution
    do { new = try executor.prepare(pipeline, input: input, name: name) } catch let error as ExecutorError {
      throw StepFunctionsError("InvalidExecutionInput", error.message)
    }
    do {
      try await runner.start(new, pipeline: pipeline)
    } catch let error as StoreError where error.code == .constraint {
      // Another request started the same name in between.
      if let existing = try store.execution(pipeline: machine.name, name: name) { return try same(existing) }
      throw error
    }
    return ["executionArn": .string(executionArn), "startDate": Self.timestamp(new.record.startTime)]
  }

  /// The input text parsed, merged over the pipeline's `Flow.Parameters` defaults as `flow run` does.
  static func executionInput(_ text: String?, defaults: JSONObject) throws(StepFunctionsError) -> JSONValue {
    let given: JSONValue
    do { given = try JSONValue(parsing: text ?? "{}") } catch {
      throw StepFunctionsError("InvalidExecutionInput", "Invalid State Machine Execution Input: '\(error.line):\(error.column): \(error.message)'")
    }
    guard !defaults.isEmpty else { return given }
    guard case .object(let object) = given else {
      throw StepFunctionsError("InvalidExecutionInput", "the input must be a JSON object to merge with the pipeline's Flow.Parameters, not \(given.typeName)")
    }
    var merged = defaults
    for (key, value) in object { merged[key] = value }
    return .object(merged)
  }

  func describeExecution(_ request: Request) throws -> JSONValue {
    let record = try existingExecution(try request.required("executionArn"))
    let data = try request.string("includedData") ?? "ALL_DATA"
    var response: JSONObject = [
      "executionArn": .string(executionArn(record)), "stateMachineArn": .string(names.stateMachine(record.pipeline)),
      "name": .string(record.name), "status": .string(record.status.rawValue), "startDate": Self.timestamp(record.startTime),
    ]
    if let stop = record.stopTime { response["stopDate"] = Self.timestamp(stop) }
    if data != "METADATA_ONLY" {
      response["input"] = .string(record.input.serialized())
      response["inputDetails"] = ["included": true]
      if record.status == .succeeded {
        response["output"] = .string((record.output ?? .null).serialized())
        response["outputDetails"] = ["included": true]
      }
    }
    if record.status.isFinal {
      if let error = record.error { response["error"] = .string(error) }
      if let cause = record.cause { response["cause"] = .string(cause) }
    }
    response["redriveCount"] = .int(record.redriveCount)
    let redrivable: Set<ExecutionStatus> = [.failed, .timedOut, .aborted]
    response["redriveStatus"] = .string(redrivable.contains(record.status) ? "REDRIVABLE" : "NOT_REDRIVABLE")
    return .object(response)
  }

  /// The definition the execution runs (the one it started with, even after an update).
  func describeStateMachineForExecution(_ request: Request) throws -> JSONValue {
    let record = try existingExecution(try request.required("executionArn"))
    let machine = try catalog.machine(record.pipeline)
    return [
      "stateMachineArn": .string(names.stateMachine(record.pipeline)), "name": .string(record.pipeline),
      "definition": .string(record.definition), "roleArn": .string(machine?.roleArn ?? catalog.defaultRoleArn),
      "updateDate": Self.timestamp(machine.map { min($0.updatedAt, record.startTime) } ?? record.startTime),
    ]
  }

  /// ListExecutions: a state machine's executions (without its Distributed Map children, as AWS), or with
  /// `mapRunArn` the children of one Map Run (``listMapRunExecutions(_:_:)``).
  func listExecutions(_ request: Request) throws -> JSONValue {
    if let mapRun = try request.string("mapRunArn") { return try listMapRunExecutions(mapRun, request) }
    let arn = try request.required("stateMachineArn")
    let machine = try existingMachine(arn)
    if try request.string("statusFilter") == "PENDING_REDRIVE" { return ["executions": []] }
    let size = try request.pageSize()
    let rows = try store.executions(pipeline: machine.name, status: Self.statusFilter(request),
                                    after: Self.executionCursor(request), limit: size + 1, excludingMapRunChildren: true)
    return executionPage(rows, size: size, stateMachineArn: { _ in arn }, mapRunArn: nil)
  }

  /// `statusFilter`, as an execution status (PENDING_REDRIVE, which no flow execution has, is nil).
  static func statusFilter(_ request: Request) throws -> ExecutionStatus? {
    guard let filter = try request.string("statusFilter"), filter != "PENDING_REDRIVE" else { return nil }
    guard let known = ExecutionStatus(rawValue: filter) else {
      throw StepFunctionsError.validation("statusFilter '\(filter)' is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE")
    }
    return known
  }

  /// The position `nextToken` continues after (start time and id of the last execution listed).
  static func executionCursor(_ request: Request) throws -> ExecutionCursor? {
    guard let position = try pagePosition(request.string("nextToken")) else { return nil }
    let parts = position.split(separator: "|", maxSplits: 1)
    guard parts.count == 2, let time = Double(parts[0]) else {
      throw StepFunctionsError("InvalidToken", "Invalid Token: '\(try request.string("nextToken") ?? "")'")
    }
    return ExecutionCursor(startTime: time, id: String(parts[1]))
  }

  /// One page of ListExecutions: the first `size` of `rows` (newest first), with a `nextToken` when more follow.
  func executionPage(_ rows: [ExecutionRecord], size: Int, stateMachineArn: (ExecutionRecord) -> String,
                     mapRunArn: String?) -> JSONValue {
    let page = rows.prefix(size)
    var response: JSONObject = ["executions": .array(page.map { record in
      var item: JSONObject = [
        "executionArn": .string(executionArn(record)), "stateMachineArn": .string(stateMachineArn(record)),
        "name": .string(record.name), "status": .string(record.status.rawValue), "startDate": Self.timestamp(record.startTime),
      ]
      if let stop = record.stopTime { item["stopDate"] = Self.timestamp(stop) }
      if let mapRunArn { item["mapRunArn"] = .string(mapRunArn) }
      item["redriveCount"] = .int(record.redriveCount)
      return .object(item)
    })]
    if rows.count > size, let last = page.last {
      response["nextToken"] = .string(Self.pageToken("\(last.startTime)|\(last.id)"))
    }
    return .object(response)
  }

  /// The history in GetExecutionHistory's shape (``HistoryEvent/awsJSON(timestamp:)`` with epoch-second
  /// timestamps, as the JSON protocol sends them, and without flow's own `flow` member).
  func getExecutionHistory(_ request: Request) throws -> JSONValue {
    let record = try existingExecution(try request.required("executionArn"))
    let reverse = try request.bool("reverseOrder") ?? false
    let includeData = try request.bool("includeExecutionData") ?? true
    let size = try request.pageSize()
    var after: Int?
    if let position = try Self.pagePosition(request.string("nextToken")) {
      guard let id = Int(position) else { throw StepFunctionsError("InvalidToken", "Invalid Token: '\(position)'") }
      after = id
    }
    // One more than the page, to know whether a next page follows.
    let events = try store.events(of: record.id, following: after, reverse: reverse, limit: size + 1)
    let page = events.prefix(size)
    var response: JSONObject = ["events": .array(page.map { event in
      var json = Self.eventJSON(event, includeData: includeData)
      // The Map Run ARN as ListExecutions takes it (`mapRunArn`), naming this execution.
      if event.type == .mapRunStarted || event.type == .mapRunRedriven, let member = event.type.detailsMember,
         let executorArn = json[member]?["mapRunArn"]?.stringValue, case .object(var object) = json,
         case .object(var details)? = object[member] {
        details["mapRunArn"] = .string(mapRunArn(executorArn, of: record))
        object[member] = .object(details)
        json = .object(object)
      }
      return json
    })]
    if events.count > size, let last = page.last { response["nextToken"] = .string(Self.pageToken(String(last.id))) }
    return .object(response)
  }

  static func eventJSON(_ event: HistoryEvent, includeData: Bool) -> JSONValue {
    guard case .object(var object) = event.awsJSON(timestamp: { _ in "" }) else { return .null }
    object["timestamp"] = timestamp(event.timestamp)
    object.removeValue(forKey: "flow")
    if !includeData, let member = event.type.detailsMember, case .object(var details)? = object[member] {
      for key in ["input", "output", "parameters", "assignedVariables"] {
        details.removeValue(forKey: key)
        details.removeValue(forKey: key + "Details")
      }
      object[member] = .object(details)
    }
    return .object(object)
  }

  /// Asks the execution to stop and waits (up to a lease time) for it to be ABORTED.
  func stopExecution(_ request: Request) async throws -> JSONValue {
    let record = try existingExecution(try request.required("executionArn"))
    let error = try request.string("error"), cause = try request.string("cause")
    guard record.status == .running else {
      return ["stopDate": Self.timestamp(record.stopTime ?? Date().timeIntervalSince1970)]
    }
    let now = Date().timeIntervalSince1970
    if try store.requestStop(record.id, error: error, cause: cause, now: now) == .running {
      // The process running it (this one, usually) notices at its next lease renewal.
      let deadline = Date().addingTimeInterval(executor.options.leaseSeconds + 1)
      while Date() < deadline {
        if let current = try store.execution(record.id), current.status.isFinal {
          return ["stopDate": Self.timestamp(current.stopTime ?? now)]
        }
        try await Task.sleep(for: .milliseconds(100))
      }
    }
    return ["stopDate": Self.timestamp((try store.execution(record.id))?.stopTime ?? now)]
  }
}

extension StepFunctionsService {
  /// Re-runs a FAILED, TIMED_OUT or ABORTED execution from the states that failed, reusing every result that
  /// succeeded (``Executor/redrive(_:)``), in this server's runner; the console's Redrive button does the same.
  func redriveExecution(_ request: Request) async throws -> JSONValue {
    let record = try existingExecution(try request.required("executionArn"))
    do { _ = try executor.redrive(record.id) } catch let error as ExecutorError {
      throw StepFunctionsError("ExecutionNotRedrivable", error.message)
    }
    runner.submit(record.id, pipeline: nil)
    return ["redriveDate": Self.timestamp(Date().timeIntervalSince1970)]
  }
}

extension StepFunctionsService {
  /// Starts an execution and answers when it has ended, in AWS's StartSyncExecution shape (status SUCCEEDED,
  /// FAILED or TIMED_OUT; an execution stopped meanwhile reports FAILED as AWS's sync API has no ABORTED).
  func startSyncExecution(_ request: Request) async throws -> JSONValue {
    let started = try await startExecution(request)
    guard let arn = started["executionArn"]?.stringValue else { throw StepFunctionsError.internalFailure("no execution ARN") }
    var record = try existingExecution(arn)
    while !record.status.isFinal {
      try await Task.sleep(for: .milliseconds(5))
      record = try existingExecution(arn)
    }
    var response: JSONObject = [
      "executionArn": .string(arn), "stateMachineArn": .string(names.stateMachine(record.pipeline)),
      "name": .string(record.name), "startDate": Self.timestamp(record.startTime),
      "stopDate": Self.timestamp(record.stopTime ?? Date().timeIntervalSince1970),
      "status": .string(record.status == .succeeded ? "SUCCEEDED" : record.status == .timedOut ? "TIMED_OUT" : "FAILED"),
      "input": .string(record.input.serialized()), "inputDetails": ["included": true],
      "billingDetails": ["billedMemoryUsedInMB": 0, "billedDurationInMilliseconds": .int(Int(((record.stopTime ?? record.startTime) - record.startTime) * 1000))],
    ]
    if record.status == .succeeded {
      response["output"] = .string((record.output ?? .null).serialized())
      response["outputDetails"] = ["included": true]
    }
    if let error = record.error { response["error"] = .string(error) }
    if let cause = record.cause { response["cause"] = .string(cause) }
    return .object(response)
  }
}
