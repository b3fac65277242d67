import FlowCore
import FlowDefinition
import FlowExecutor
import FlowScheduler
import Foundation
import Hummingbird
import NIOCore

/// The web console of `flow server`: a page at `/` (HTML, CSS and JavaScript embedded in the binary, see
/// ``ConsoleAssets``) reading small JSON endpoints under `/console/api/`.
///
/// - Reading needs no credentials when the server listens on loopback; on another address (where access keys are
///   required) it needs them too.
/// - Actions (Stop, Redrive) are `POST`s and need, when access keys are configured, HTTP Basic credentials: the
///   access key id as the user name and the secret access key as the password (the page asks for them and keeps
///   them in the tab's `sessionStorage`). Against cross-site requests a `POST` must carry `X-Flow-Console: 1`
///   (a header no form can send and no cross-origin script can send without a CORS preflight, which the server
///   never grants) and, when the browser sends `Origin`, an origin whose host is the request's `Host`.
struct Console: Sendable {
  let service: StepFunctionsService
  let configuration: StepFunctionsServerConfiguration

  func register(on router: Router<BasicRequestContext>) {
    router.get("/") { _, _ in Self.asset(ConsoleAssets.html, type: "text/html; charset=utf-8") }
    router.get("/console") { _, _ in Self.asset(ConsoleAssets.html, type: "text/html; charset=utf-8") }
    router.get("/console/app.js") { _, _ in Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8") }
    router.get("/console/app.css") { _, _ in Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8") }
    // One route per name: the router does not fall back from `executions/:id` to `:what`.
    for name in ["session", "executions", "models", "endpoints", "schedules"] {
      router.get("/console/api/\(name)") { [self] request, _ in
        await answer(request) { try self.read(name, request: request) }
      }
    }
    router.get("/console/api/executions/:id") { [self] request, context in
      await answer(request) { try self.execution(context.parameters.get("id") ?? "", graph: request.uri.queryParameters["graph"] == "1") }
    }
    router.post("/console/api/executions/:id/:action") { [self] request, context -> Response in
      if let refusal = checkAction(request) { return refusal }
      let id = context.parameters.get("id") ?? "", action = context.parameters.get("action") ?? ""
      return await answer(request, reading: false) { try await self.act(action, on: id) }
    }
  }

  // MARK: - Access

  var readingNeedsCredentials: Bool { !configuration.accessKeys.isEmpty && !StepFunctionsServerConfiguration.isLoopback(configuration.host) }
  var actionsNeedCredentials: Bool { !configuration.accessKeys.isEmpty }

  /// Whether the request carries `Authorization: Basic` with a configured key id and its secret.
  func authorized(_ request: Request) -> Bool {
    guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
          let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
          let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return false }
    let id = String(text[..<colon]), secret = String(text[text.index(after: colon)...])
    guard let expected = configuration.accessKeys[id] else { return false }
    // Compared in time independent of where they differ.
    let a = Array(expected.utf8), b = Array(secret.utf8)
    var difference = a.count ^ b.count
    for index in 0..<min(a.count, b.count) { difference |= Int(a[index] ^ b[index]) }
    return difference == 0
  }

  /// A refusal for a `POST` that fails the CSRF checks or lacks credentials, or nil.
  func checkAction(_ request: Request) -> Response? {
    guard request.headers[HTTPFields.Element.Name("X-Flow-Console")!] == "1" else {
      return Self.json(["error": "the X-Flow-Console: 1 header is missing (actions come from the console's own page)"], status: .forbidden)
    }
    if let origin = request.headers[HTTPFields.Element.Name("Origin")!] {
      let host = request.head.authority ?? request.headers[HTTPFields.Element.Name("Host")!] ?? ""
      var originHost = ""
      if let url = URL(string: origin), let name = url.host {
        originHost = url.port.map { "\(name):\($0)" } ?? name
      }
      guard !host.isEmpty, originHost.lowercased() == host.lowercased() else {
        return Self.json(["error": .string("cross-origin request refused: Origin \(origin) is not this server (\(host))")], status: .forbidden)
      }
    }
    if actionsNeedCredentials, !authorized(request) {
      return Self.unauthorized("Stop and Redrive need the server's access key id and secret access key")
    }
    return nil
  }

  func answer(_ request: Request, reading: Bool = true, _ body: () async throws -> JSONValue) async -> Response {
    if reading, readingNeedsCredentials, !authorized(request) {
      return Self.unauthorized("this server is not on loopback: reading needs the access key id and secret access key")
    }
    do {
      return Self.json(try await body(), status: .ok)
    } catch let error as ConsoleError {
      return Self.json(["error": .string(error.message)], status: error.status)
    } catch let error as StepFunctionsError {
      return Self.json(["error": .string(error.description)], status: .badRequest)
    } catch {
      return Self.json(["error": .string("\(error)")], status: .internalServerError)
    }
  }

  // MARK: - Reading

  func read(_ what: String, request: Request) throws -> JSONValue {
    switch what {
    case "session":
      return ["actionsNeedCredentials": .bool(actionsNeedCredentials), "readingNeedsCredentials": .bool(readingNeedsCredentials),
              "graphviz": Graphviz.shared.unavailableReason.map(JSONValue.string) ?? "available"]
    case "executions":
      let query = request.uri.queryParameters
      return try executions(pipeline: query["pipeline"].map { String($0) }.flatMap { $0.isEmpty ? nil : $0 },
                            status: query["status"].map { String($0) }.flatMap { $0.isEmpty ? nil : $0 })
    case "models": return try models()
    case "endpoints": return try endpoints()
    case "schedules": return try schedules()
    default: throw ConsoleError("no console endpoint '\(what)'", status: .notFound)
    }
  }

  func executions(pipeline: String?, status: String?) throws -> JSONValue {
    var statusFilter: ExecutionStatus?
    if let status {
      guard let known = ExecutionStatus(rawValue: status) else { throw ConsoleError("unknown status '\(status)'", status: .badRequest) }
      statusFilter = known
    }
    // As ListExecutions lists them: without Distributed Map children, which would crowd their parents out.
    let top = try service.store.executions(pipeline: pipeline, status: statusFilter, after: nil, limit: 200,
                                           excludingMapRunChildren: true)
    var pipelines = Set((try? service.catalog.all().map(\.name)) ?? [])
    for record in top { pipelines.insert(record.pipeline) }
    return [
      "executions": .array(top.map(summary)),
      "pipelines": .array(pipelines.sorted().map(JSONValue.string)),
    ]
  }

  func summary(_ record: ExecutionRecord) -> JSONValue {
    var item: JSONObject = [
      "id": .string(record.id), "name": .string(record.name), "pipeline": .string(record.pipeline),
      "status": .string(record.status.rawValue), "startTime": .double(record.startTime),
      "redriveCount": .int(record.redriveCount),
    ]
    if let stop = record.stopTime { item["stopTime"] = .double(stop) }
    return .object(item)
  }

  func execution(_ id: String, graph: Bool) throws -> JSONValue {
    guard let record = try service.store.execution(id) else { throw ConsoleError("no execution with id '\(id)'", status: .notFound) }
    let events = try service.store.events(of: record.id, after: 0)
    guard case .object(var object) = summary(record) else { return .null }
    object["arn"] = .string(service.executionArn(record))
    object["input"] = .string(record.input.serialized(pretty: true))
    if let output = record.output { object["output"] = .string(output.serialized(pretty: true)) }
    if let error = record.error { object["error"] = .string(error) }
    if let cause = record.cause { object["cause"] = .string(cause) }
    object["redrivable"] = .bool([.failed, .timedOut, .aborted].contains(record.status))
    object["states"] = .array(Self.states(events, running: record.status == .running))
    object["events"] = .array(events.map { StepFunctionsService.eventJSON($0, includeData: true) })
    if graph { object["graph"] = self.graph(record) }
    return .object(object)
  }

  /// Each state's status for the console: RUNNING, SUCCEEDED, FAILED, or CAUGHT (it failed and a Catch moved on),
  /// with the input it last entered with and the output it last left with.
  static func states(_ events: [HistoryEvent], running: Bool) -> [JSONValue] {
    var inputs: [String: JSONValue] = [:], outputs: [String: JSONValue] = [:]
    for event in events {
      guard let name = event.name, case .object(let aws) = event.awsJSON(timestamp: { _ in "" }),
            let member = event.type.detailsMember, case .object(let details)? = aws[member] else { continue }
      if event.type.isStateEntered, let input = details["input"] { inputs[name] = input }
      if event.type.isStateExited, let output = details["output"] { outputs[name] = output }
    }
    return StateSummary.summarize(events, running: running).map { state in
      var status = state.status.rawValue
      if state.status == .succeeded, state.failures > 0, state.failures >= state.attempts { status = "CAUGHT" }
      var item: JSONObject = [
        "name": .string(state.name), "type": .string(state.type), "status": .string(status),
        "entered": .int(state.entered), "attempts": .int(state.attempts), "failures": .int(state.failures),
        "seconds": .double(state.seconds),
      ]
      if let input = inputs[state.name] { item["input"] = input }
      if let output = outputs[state.name] { item["output"] = output }
      return .object(item)
    }
  }

  /// The state machine drawn by Graphviz, or why it could not be.
  func graph(_ record: ExecutionRecord) -> JSONValue {
    let pipeline: Pipeline
    do { pipeline = try service.catalog.loader.load(text: record.definition, path: "\(record.pipeline).asl.json") } catch {
      return ["error": .string("the definition could not be read: \(error)")]
    }
    let dot = renderGraph(pipeline.machine, format: .dot)
    switch Graphviz.shared.render(dot: dot) {
    case .success(let svg): return ["svg": .string(svg)]
    case .failure(let error): return ["error": .string(error.message)]
    }
  }

  func models() throws -> JSONValue {
    let versions = try service.store.modelVersions(nil)
    var byName: [String: [ModelVersionRecord]] = [:]
    for version in versions { byName[version.modelName, default: []].append(version) }
    return ["models": .array(byName.keys.sorted().map { name in
      let list = byName[name]!.sorted { $0.version < $1.version }
      return [
        "name": .string(name),
        "versions": .array(list.map { version in
          var item: JSONObject = [
            "version": .int(version.version), "approvalStatus": .string(version.approvalStatus.rawValue),
            "artifactPath": .string(version.artifactPath), "artifactHash": .string(version.draft.artifactHash),
            "metrics": version.draft.metrics, "hyperparameters": version.draft.hyperparameters,
            "aliases": .array(version.aliases.map(JSONValue.string)), "createdAt": .double(version.draft.createdAt),
          ]
          if let value = version.draft.executionId { item["executionId"] = .string(value) }
          if let value = version.draft.pipelinePath { item["pipelinePath"] = .string(value) }
          if let value = version.draft.pipelineHash { item["pipelineHash"] = .string(value) }
          if let value = version.draft.datasetHash { item["datasetHash"] = .string(value) }
          if let value = version.draft.algorithm { item["algorithm"] = .string(value) }
          if let value = version.draft.stateName { item["stateName"] = .string(value) }
          if let value = version.approvalNote { item["approvalNote"] = .string(value) }
          return .object(item)
        }),
      ]
    })]
  }

  func endpoints() throws -> JSONValue {
    ["endpoints": .array(try service.store.endpoints().map { endpoint in
      func target(_ target: EndpointTargetRecord) -> JSONValue {
        ["model": .string(target.modelName), "version": .int(target.version), "artifactPath": .string(target.artifactPath)]
      }
      var item: JSONObject = ["name": .string(endpoint.name), "current": target(endpoint.current), "updatedAt": .double(endpoint.updatedAt)]
      if let previous = endpoint.previous { item["previous"] = target(previous) }
      if let execution = endpoint.executionId { item["executionId"] = .string(execution) }
      return .object(item)
    })]
  }

  func schedules() throws -> JSONValue {
    let now = Date()
    var items: [JSONValue] = []
    for machine in try service.catalog.all() {
      guard let block = machine.pipeline.schedule else { continue }
      var item: JSONObject = ["pipeline": .string(machine.name)]
      do {
        let schedule = try Schedule(json: block)
        item["cron"] = .string(schedule.cron.source)
        item["timeZone"] = .string(schedule.timeZoneName)
        item["next"] = .array(schedule.nextFires(after: now, count: 5).map { .double($0.timeIntervalSince1970) })
        if let last = try service.store.fires(of: machine.name, limit: 1).first {
          item["lastFire"] = .double(last.scheduledTime)
          item["lastAction"] = .string("\(last.action)")
        }
      } catch {
        item["error"] = .string("\(error)")
      }
      items.append(.object(item))
    }
    return ["schedules": .array(items)]
  }

  // MARK: - Actions

  func act(_ action: String, on id: String) async throws -> JSONValue {
    guard let record = try service.store.execution(id) else { throw ConsoleError("no execution with id '\(id)'", status: .notFound) }
    switch action {
    case "stop":
      _ = try await service.stopExecution(StepFunctionsService.Request(members: [
        "executionArn": .string(service.executionArn(record)), "error": "Console.Stopped", "cause": "stopped from the web console",
      ]))
    case "redrive":
      do {
        _ = try await service.redriveExecution(StepFunctionsService.Request(members: ["executionArn": .string(service.executionArn(record))]))
      } catch let error as StepFunctionsError {
        throw ConsoleError(error.message, status: .conflict)
      }
    default:
      throw ConsoleError("no action '\(action)' (stop or redrive)", status: .notFound)
    }
    return summary(try service.store.execution(id) ?? record)
  }

  // MARK: - Responses

  static func asset(_ text: String, type: String) -> Response {
    Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff",
                                    HTTPFields.Element.Name("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"],
             body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
    Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
             body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
  }

  static func unauthorized(_ message: String) -> Response {
    // No WWW-Authenticate: the page asks for the keys itself rather than the browser's own dialog.
    json(["error": .string(message), "needsCredentials": true], status: .unauthorized)
  }
}

struct ConsoleError: Error {
  var message: String
  var status: HTTPResponse.Status
  init(_ message: String, status: HTTPResponse.Status) {
    self.message = message
    self.status = status
  }
}
