import ArgumentParser
import FlowCore
import Foundation
import FlowExecutor

extension Flow {
  /// `flow status [ID]`: recent executions, or one execution state by state.
  struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show recent executions, or one execution's states with their status, attempts and duration.")

    @Argument(help: "An execution id (or a unique prefix of it, or its name).")
    var id: String?

    @Option(help: "How many executions to list.")
    var limit = 20

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let store = try storeOptions.openStore()
      if let id {
        let record = try findExecution(id, in: store)
        let states = StateSummary.summarize(try store.events(of: record.id, after: 0), running: record.status == .running)
        let children = try store.children(of: record.id)
        let scheduled = try store.scheduledTimes(of: [record.id])
        let artifacts = try store.artifacts(producedBy: record.id)
        if json {
          print(JSONValue.object(ExecutionTable.json(record, scheduled: scheduled).merging(
            ["states": .array(states.map(\.json)), "children": .array(children.map { .object(ExecutionTable.json($0)) }),
             "artifacts": .array(artifacts.map(ArtifactTable.json))]) { $1 })
            .serialized(pretty: true))
        } else {
          print(ExecutionTable.detail(record, states: states, children: children, scheduled: scheduled))
          if !artifacts.isEmpty { print("\n" + ArtifactTable.render(artifacts)) }
        }
      } else {
        let records = try store.executions(limit: limit)
        let scheduled = try store.scheduledTimes(of: records.map(\.id))
        if json {
          print(JSONValue.array(records.map { .object(ExecutionTable.json($0, scheduled: scheduled)) }).serialized(pretty: true))
        } else {
          print(ExecutionTable.list(records, scheduled: scheduled))
        }
      }
    }
  }
}

/// Tables of executions for `flow status`.
enum ExecutionTable {
  static func status(_ record: ExecutionRecord) -> String {
    record.isOrphaned() ? "RUNNING (no live owner: flow resume)" : record.status.rawValue
  }

  /// The process running the execution (`HOST:PID:NAME`, the name of a `flow worker --name`), if one is alive.
  static func liveOwner(_ record: ExecutionRecord) -> String? {
    record.status == .running && !record.isOrphaned() ? record.owner : nil
  }

  static func duration(_ record: ExecutionRecord) -> String {
    let end = record.stopTime ?? Date.now.timeIntervalSince1970
    return String(format: "%.2fs", end - record.startTime)
  }

  /// `scheduled` maps the ids of executions started by a schedule (`flow tick`, `flow scheduler`) to their slot.
  static func json(_ record: ExecutionRecord, scheduled: [String: Double] = [:]) -> JSONObject {
    var o: JSONObject = [
      "executionId": .string(record.id), "name": .string(record.name), "pipeline": .string(record.pipeline),
      "pipelinePath": .string(record.pipelinePath), "status": .string(record.status.rawValue),
      "startTime": .string(Timestamp.format(record.startTime)), "liveOwner": .bool(!record.isOrphaned() && record.status == .running),
      "redriveCount": .int(record.redriveCount), "input": record.input,
    ]
    if let owner = liveOwner(record) { o["owner"] = .string(owner) }
    if let stop = record.stopTime { o["stopTime"] = .string(Timestamp.format(stop)) }
    if let output = record.output { o["output"] = output }
    if let error = record.error { o["error"] = .string(error) }
    if let cause = record.cause { o["cause"] = .string(cause) }
    if let parent = record.parentId { o["parentId"] = .string(parent) }
    if let slot = scheduled[record.id] { o["scheduledTime"] = .string(Timestamp.format(slot)) }
    return o
  }

  static func list(_ records: [ExecutionRecord], scheduled: [String: Double] = [:]) -> String {
    guard !records.isEmpty else { return "no executions yet: start one with `flow run FILE`" }
    func time(_ seconds: Double) -> String {
      String(Timestamp.format(seconds).prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
    let rows = records.map { r in
      [String(r.id.prefix(8)), r.name == r.id ? "-" : r.name, r.pipeline, status(r), time(r.startTime), duration(r)]
        + (scheduled.isEmpty ? [] : [scheduled[r.id].map(time) ?? "-"])
    }
    return render(["ID", "NAME", "PIPELINE", "STATUS", "STARTED (UTC)", "DURATION"]
                    + (scheduled.isEmpty ? [] : ["SCHEDULED FOR (UTC)"]), rows)
  }

  static func detail(_ record: ExecutionRecord, states: [StateSummary], children: [ExecutionRecord],
                     scheduled: [String: Double] = [:]) -> String {
    var lines = [
      "execution  \(record.id)", "name       \(record.name)", "pipeline   \(record.pipeline) (\(record.pipelinePath))",
      "status     \(status(record))", "started    \(Timestamp.format(record.startTime))", "duration   \(duration(record))",
    ]
    if let owner = liveOwner(record) { lines.append("owner      \(owner)") }
    if let parent = record.parentId { lines.append("parent     \(parent)") }
    if let slot = scheduled[record.id] { lines.append("scheduled  \(Timestamp.format(slot)) (Flow.Schedule slot)") }
    if record.redriveCount > 0 { lines.append("redriven   \(record.redriveCount) time(s)") }
    if let error = record.error { lines.append("error      \(error)") }
    if let cause = record.cause { lines.append("cause      \(cause)") }
    if let output = record.output { lines.append("output     \(output.serialized())") }
    lines.append("")
    lines.append(render(["STATE", "TYPE", "STATUS", "ENTERED", "ATTEMPTS", "DURATION"], states.map(\.row)))
    if !children.isEmpty {
      lines.append("")
      lines.append("child executions:")
      lines.append(list(children))
    }
    return lines.joined(separator: "\n")
  }

  static func render(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
  }
}

extension StateSummary {
  var row: [String] {
    [name, type, status.rawValue, String(entered), String(attempts), String(format: "%.3fs", seconds)]
  }

  var json: JSONValue {
    ["name": .string(name), "type": .string(type), "status": .string(status.rawValue), "entered": .int(entered),
     "attempts": .int(attempts), "seconds": .double(seconds)]
  }
}
