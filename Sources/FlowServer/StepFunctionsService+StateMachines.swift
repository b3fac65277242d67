import FlowCore
import FlowDefinition
import FlowStore
import Foundation

extension StepFunctionsService {
  func createStateMachine(_ request: Request) throws -> JSONValue {
    let name = try request.required("name")
    let definition = try request.required("definition")
    let roleArn = try request.required("roleArn")
    let type = try request.string("type") ?? "STANDARD"
    guard ResourceNames.isValidName(name) else { throw StepFunctionsError("InvalidName", "Invalid Name: '\(name)'") }
    guard type == "STANDARD" else {
      throw StepFunctionsError("StateMachineTypeNotSupported", "flow server runs STANDARD state machines only, not \(type)")
    }
    _ = try catalog.load(definition: definition, name: name)
    _ = try Self.tagPairs(request.members["tags"])
    let arn = names.stateMachine(name)
    if let existing = try catalog.machine(name) {
      // AWS answers a repeated identical request with the existing machine.
      if case .store = existing.source, existing.definition == definition, existing.roleArn == roleArn {
        return ["stateMachineArn": .string(arn), "creationDate": Self.timestamp(existing.createdAt)]
      }
      throw StepFunctionsError("StateMachineAlreadyExists", "State Machine Already Exists: '\(arn)'")
    }
    let now = Date().timeIntervalSince1970
    do {
      try store.createStateMachine(StateMachineRecord(name: name, definition: definition, roleArn: roleArn, type: type,
                                                      createdAt: now, updatedAt: now))
    } catch let error as StoreError where error.code == .constraint {
      throw StepFunctionsError("StateMachineAlreadyExists", "State Machine Already Exists: '\(arn)'")
    }
    // `tags` as on TagResource (a malformed list is refused before anything is created, by `tagPairs`).
    try tagResource(arn, request.members["tags"])
    return ["stateMachineArn": .string(arn), "creationDate": Self.timestamp(now)]
  }

  func describeStateMachine(_ request: Request) throws -> JSONValue {
    let arn = try request.required("stateMachineArn")
    let machine = try existingMachine(arn)
    var response: JSONObject = [
      "stateMachineArn": .string(arn), "name": .string(machine.name), "status": "ACTIVE",
      "definition": .string(machine.definition), "roleArn": .string(machine.roleArn), "type": .string(machine.type),
      "creationDate": Self.timestamp(machine.createdAt), "revisionId": .string(String(machine.revision)),
      "loggingConfiguration": ["level": "OFF", "includeExecutionData": false],
      "tracingConfiguration": ["enabled": false],
    ]
    if let description = machine.description { response["description"] = .string(description) }
    return .object(response)
  }

  func listStateMachines(_ request: Request) throws -> JSONValue {
    let size = try request.pageSize()
    let after = try Self.pagePosition(request.string("nextToken"))
    let machines = try catalog.all().filter { after == nil || $0.name > after! }
    let page = machines.prefix(size)
    var response: JSONObject = ["stateMachines": .array(page.map { machine in
      ["stateMachineArn": .string(names.stateMachine(machine.name)), "name": .string(machine.name),
       "type": .string(machine.type), "creationDate": Self.timestamp(machine.createdAt)]
    })]
    if machines.count > size, let last = page.last { response["nextToken"] = .string(Self.pageToken(last.name)) }
    return .object(response)
  }

  func deleteStateMachine(_ request: Request) throws -> JSONValue {
    let arn = try request.required("stateMachineArn")
    let name = try machineName(arn)
    if try store.stateMachine(name) == nil, let machine = catalog.fileMachines()[name], case .file(let path) = machine.source {
      throw StepFunctionsError.validation("state machine '\(name)' is the pipeline file \(path): remove the file to delete it")
    }
    // Deleting a machine that does not exist succeeds, as on AWS; its executions stay readable in the store.
    try store.deleteStateMachine(name)
    return [:]
  }

  func updateStateMachine(_ request: Request) throws -> JSONValue {
    let arn = try request.required("stateMachineArn")
    let definition = try request.string("definition")
    let roleArn = try request.string("roleArn")
    let name = try machineName(arn)
    guard definition != nil || roleArn != nil else {
      throw StepFunctionsError("MissingRequiredParameter", "Either the definition or the roleArn must be specified")
    }
    guard var record = try store.stateMachine(name) else {
      if catalog.fileMachines()[name] != nil {
        throw StepFunctionsError.validation("state machine '\(name)' is a pipeline file: edit the file to change it")
      }
      throw StepFunctionsError.stateMachineDoesNotExist(arn)
    }
    if let definition {
      _ = try catalog.load(definition: definition, name: name)
      record.definition = definition
    }
    if let roleArn { record.roleArn = roleArn }
    record.revision += 1
    record.updatedAt = Date().timeIntervalSince1970
    try store.updateStateMachine(record)
    return ["updateDate": Self.timestamp(record.updatedAt), "revisionId": .string(String(record.revision))]
  }

  /// flow's own diagnostics in AWS's shape: each with `severity`, `code` (flow's, such as `unknown-state`), the
  /// located `message`, and `location` as `line:column`.
  func validateStateMachineDefinition(_ request: Request) throws -> JSONValue {
    let definition = try request.required("definition")
    let severity = try request.string("severity") ?? "ERROR"
    guard ["ERROR", "WARNING"].contains(severity) else {
      throw StepFunctionsError.validation("severity must be ERROR or WARNING, not '\(severity)'")
    }
    let size = try request.pageSize()
    let diagnostics = catalog.loader.check(text: definition, path: "definition.asl.json")
      .filter { severity == "WARNING" || $0.isError }
    let page = diagnostics.prefix(size).map { diagnostic -> JSONValue in
      var item: JSONObject = ["severity": .string(diagnostic.isError ? "ERROR" : "WARNING"), "code": .string("\(diagnostic.code)"),
                              "message": .string(diagnostic.rendered)]
      if let location = diagnostic.location { item["location"] = .string("\(location.line):\(location.column)") }
      return .object(item)
    }
    return ["result": .string(diagnostics.hasErrors ? "FAIL" : "OK"), "diagnostics": .array(page),
            "truncated": .bool(diagnostics.count > size)]
  }
}
