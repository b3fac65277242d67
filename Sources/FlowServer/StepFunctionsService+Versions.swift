import FlowCore
import FlowDefinition
import FlowStore
import Foundation

/// Versions and aliases of state machines created through the API: PublishStateMachineVersion,
/// ListStateMachineVersions, Create/Describe/Update/ListStateMachineAliases, and StartExecution on a version ARN
/// (`…:stateMachine:NAME:3`) or an alias ARN (`…:stateMachine:NAME:prod`, a version chosen by the routing weights).
extension StepFunctionsService {
  static let now: @Sendable () -> Double = { Date().timeIntervalSince1970 }

  func versionArn(_ name: String, _ version: Int) -> String { names.stateMachine(name) + ":\(version)" }
  func aliasArn(_ name: String, _ alias: String) -> String { names.stateMachine(name) + ":" + alias }

  /// The machine an ARN names and the pipeline an execution of it runs: the current definition for a machine ARN,
  /// the version's for a version ARN, a version picked by weight for an alias ARN.
  func startTarget(_ arn: String) throws -> (Machine, Pipeline) {
    guard let (name, qualifier) = names.qualifiedStateMachine(arn) else {
      throw StepFunctionsError.invalidArn(arn, "a state machine, version or alias of \(names.region) / \(names.account)")
    }
    guard let machine = try catalog.machine(name) else { throw StepFunctionsError.stateMachineDoesNotExist(arn) }
    guard let qualifier else { return (machine, machine.pipeline) }
    var number = Int(qualifier)
    if number == nil {
      guard let alias = try store.alias(name, qualifier) else {
        throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'")
      }
      var pick = Int.random(in: 0..<max(1, alias.routing.reduce(0) { $0 + $1.weight }))
      for route in alias.routing {
        if pick < route.weight { number = route.version; break }
        pick -= route.weight
      }
      if number == nil { number = alias.routing.first?.version }
    }
    guard let number, let version = try store.stateMachineVersion(name, number) else {
      throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'")
    }
    return (machine, try catalog.load(definition: version.definition, name: name))
  }

  private func storedMachine(_ arn: String) throws -> Machine {
    let machine = try existingMachine(arn)
    guard case .store = machine.source else {
      throw StepFunctionsError.validation("'\(machine.name)' is a pipeline file: it changes by editing the file and has no versions or aliases")
    }
    return machine
  }

  func publishStateMachineVersion(_ request: Request) throws -> JSONValue {
    let arn = try request.required("stateMachineArn")
    let machine = try storedMachine(arn)
    if let revision = try request.string("revisionId"), revision != String(machine.revision) {
      throw StepFunctionsError("ConflictException", "the state machine's revision is \(machine.revision), not \(revision)")
    }
    guard let record = try store.publishVersion(of: machine.name, description: request.string("description"), now: Self.now()) else {
      throw StepFunctionsError.stateMachineDoesNotExist(arn)
    }
    return ["stateMachineVersionArn": .string(versionArn(machine.name, record.version)), "creationDate": Self.timestamp(record.createdAt)]
  }

  /// A page of `items` after the position in `nextToken` (an index), with the next token when more remain.
  private func page(_ request: Request, count: Int) throws -> (range: Range<Int>, next: String?) {
    let size = try request.pageSize()
    let start = Int(try Self.pagePosition(request.string("nextToken")) ?? "0") ?? 0
    let end = min(count, start + size)
    return (min(start, count)..<end, end < count ? Self.pageToken(String(end)) : nil)
  }

  func listStateMachineVersions(_ request: Request) throws -> JSONValue {
    let machine = try existingMachine(try request.required("stateMachineArn"))
    let versions = try store.stateMachineVersions(machine.name)
    let (range, next) = try page(request, count: versions.count)
    var response: JSONObject = ["stateMachineVersions": .array(versions[range].map {
      ["stateMachineVersionArn": .string(versionArn($0.name, $0.version)), "creationDate": Self.timestamp($0.createdAt)]
    })]
    if let next { response["nextToken"] = .string(next) }
    return .object(response)
  }

  /// The routing configuration of a request: one or two versions of `machine`, weights summing to 100.
  private func routing(_ request: Request, machine: String) throws -> [StateMachineAliasRecord.Route] {
    guard case .array(let items)? = request.members["routingConfiguration"] else {
      throw StepFunctionsError.missingParameter("routingConfiguration")
    }
    var routes: [StateMachineAliasRecord.Route] = []
    for item in items {
      guard let arn = item["stateMachineVersionArn"]?.stringValue, let weight = item["weight"]?.intValue else {
        throw StepFunctionsError.validation("a route needs 'stateMachineVersionArn' and 'weight'")
      }
      guard let (name, qualifier) = names.qualifiedStateMachine(arn), name == machine, let qualifier, let number = Int(qualifier) else {
        throw StepFunctionsError.validation("'\(arn)' is not a version of the state machine '\(machine)'")
      }
      guard try store.stateMachineVersion(name, number) != nil else {
        throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'")
      }
      guard (0...100).contains(weight) else { throw StepFunctionsError.validation("a weight is between 0 and 100") }
      routes.append(.init(version: number, weight: weight))
    }
    guard (1...2).contains(routes.count), Set(routes.map(\.version)).count == routes.count,
          routes.reduce(0, { $0 + $1.weight }) == 100 else {
      throw StepFunctionsError.validation("routingConfiguration needs one or two different versions whose weights sum to 100")
    }
    return routes
  }

  private func routingJSON(_ name: String, _ routes: [StateMachineAliasRecord.Route]) -> JSONValue {
    .array(routes.map { ["stateMachineVersionArn": .string(versionArn(name, $0.version)), "weight": .int($0.weight)] })
  }

  func createStateMachineAlias(_ request: Request) throws -> JSONValue {
    let alias = try request.required("name")
    guard ResourceNames.isValidName(alias), Int(alias) == nil else { throw StepFunctionsError("InvalidName", "Invalid Name: '\(alias)'") }
    // The machine is the one the first route's version belongs to.
    guard case .array(let items)? = request.members["routingConfiguration"], let first = items.first?["stateMachineVersionArn"]?.stringValue,
          let (name, _) = names.qualifiedStateMachine(first) else {
      throw StepFunctionsError.validation("routingConfiguration needs one or two versions of a state machine")
    }
    _ = try storedMachine(names.stateMachine(name))
    let routes = try routing(request, machine: name)
    let now = Self.now()
    let record: StateMachineAliasRecord
    do {
      record = try store.createAlias(StateMachineAliasRecord(name: name, alias: alias, description: request.string("description"),
                                                             routing: routes, createdAt: now, updatedAt: now))
    } catch let error as StoreError where error.code == .constraint {
      throw StepFunctionsError("ConflictException", "the alias '\(alias)' of '\(name)' exists with another configuration")
    }
    return ["stateMachineAliasArn": .string(aliasArn(name, alias)), "creationDate": Self.timestamp(record.createdAt)]
  }

  private func existingAlias(_ arn: String) throws -> StateMachineAliasRecord {
    guard let (name, qualifier) = names.qualifiedStateMachine(arn), let qualifier, Int(qualifier) == nil else {
      throw StepFunctionsError.invalidArn(arn, "a state machine alias of \(names.region) / \(names.account)")
    }
    guard let alias = try store.alias(name, qualifier) else { throw StepFunctionsError("ResourceNotFound", "Resource not found: '\(arn)'") }
    return alias
  }

  func describeStateMachineAlias(_ request: Request) throws -> JSONValue {
    let arn = try request.required("stateMachineAliasArn")
    let alias = try existingAlias(arn)
    var response: JSONObject = [
      "stateMachineAliasArn": .string(arn), "name": .string(alias.alias), "routingConfiguration": routingJSON(alias.name, alias.routing),
      "creationDate": Self.timestamp(alias.createdAt), "updateDate": Self.timestamp(alias.updatedAt),
    ]
    if let description = alias.description { response["description"] = .string(description) }
    return .object(response)
  }

  func updateStateMachineAlias(_ request: Request) throws -> JSONValue {
    var alias = try existingAlias(try request.required("stateMachineAliasArn"))
    if request.members["routingConfiguration"] != nil { alias.routing = try routing(request, machine: alias.name) }
    if let description = try request.string("description") { alias.description = description }
    alias.updatedAt = Self.now()
    try store.updateAlias(alias)
    return ["updateDate": Self.timestamp(alias.updatedAt)]
  }

  func listStateMachineAliases(_ request: Request) throws -> JSONValue {
    let machine = try existingMachine(try request.required("stateMachineArn"))
    let aliases = try store.aliases(machine.name)
    let (range, next) = try page(request, count: aliases.count)
    var response: JSONObject = ["stateMachineAliases": .array(aliases[range].map {
      ["stateMachineAliasArn": .string(aliasArn($0.name, $0.alias)), "creationDate": Self.timestamp($0.createdAt)]
    })]
    if let next { response["nextToken"] = .string(next) }
    return .object(response)
  }
}
