import FlowCore
import Foundation

/// Renders registry records for `flow models` and `flow endpoints`.
enum ModelTable {
  static func json(_ record: ModelVersionRecord) -> JSONValue {
    let d = record.draft
    var o: JSONObject = [
      "modelName": .string(record.modelName), "version": .int(record.version),
      "approvalStatus": .string(record.approvalStatus.rawValue), "aliases": .array(record.aliases.map(JSONValue.string)),
      "artifactPath": .string(d.artifactPath), "artifactHash": .string(d.artifactHash),
      "hyperparameters": d.hyperparameters, "metrics": d.metrics, "createdAt": .string(Timestamp.format(d.createdAt)),
    ]
    let optional: [(String, String?)] = [
      ("algorithm", d.algorithm), ("executionId", d.executionId), ("stateName", d.stateName), ("pipelinePath", d.pipelinePath),
      ("pipelineHash", d.pipelineHash), ("datasetHash", d.datasetHash), ("description", d.description),
      ("approvalNote", record.approvalNote), ("approvalTime", record.approvalTime.map(Timestamp.format)),
    ]
    for (key, value) in optional { if let value { o[key] = .string(value) } }
    return .object(o)
  }

  static func json(_ endpoint: EndpointRecord) -> JSONValue {
    var o: JSONObject = [
      "endpoint": .string(endpoint.name), "modelName": .string(endpoint.current.modelName),
      "version": .int(endpoint.current.version), "artifactPath": .string(endpoint.current.artifactPath),
      "updatedAt": .string(Timestamp.format(endpoint.updatedAt)),
      "previous": endpoint.previous.map { ["modelName": .string($0.modelName), "version": .int($0.version)] } ?? .null,
    ]
    if let execution = endpoint.executionId { o["executionId"] = .string(execution) }
    return .object(o)
  }

  /// The headline metric of a version: test accuracy when recorded, else the first accuracy-like or error metric.
  static func headline(_ metrics: JSONValue) -> String {
    guard let object = metrics.objectValue else { return "-" }
    for key in ["accuracy", "rmse", "r2"] { if let value = object[key]?.doubleValue { return "\(key) \(String(format: "%.4f", value))" } }
    if let key = object.keys.sorted().first(where: { $0.hasSuffix("accuracy") }), let value = object[key]?.doubleValue {
      return "\(key) \(String(format: "%.4f", value))"
    }
    return "-"
  }

  static func list(_ versions: [ModelVersionRecord]) -> String {
    guard !versions.isEmpty else { return "no registered models yet: register one with a flow:register step" }
    let rows = versions.map { v in
      [v.modelName, String(v.version), v.approvalStatus.rawValue, v.aliases.isEmpty ? "-" : v.aliases.joined(separator: ","),
       headline(v.draft.metrics), v.draft.algorithm ?? "-", String(Timestamp.format(v.draft.createdAt).prefix(19)),
       v.draft.executionId.map { String($0.prefix(8)) } ?? "-"]
    }
    return ExecutionTable.render(["MODEL", "VERSION", "STATUS", "ALIASES", "METRIC", "ALGORITHM", "REGISTERED (UTC)", "EXECUTION"], rows)
  }

  static func detail(_ v: ModelVersionRecord) -> String {
    let d = v.draft
    var lines = [
      "model          \(v.modelName) v\(v.version)",
      "status         \(v.approvalStatus.rawValue)" + (v.approvalNote.map { " (\($0))" } ?? ""),
      "aliases        \(v.aliases.isEmpty ? "-" : v.aliases.joined(separator: ", "))",
      "algorithm      \(d.algorithm ?? "-")",
      "artifact       \(d.artifactPath)",
      "artifact hash  \(d.artifactHash)",
      "registered     \(Timestamp.format(d.createdAt))",
      "execution      \(d.executionId ?? "-")" + (d.stateName.map { " (state \($0))" } ?? ""),
      "pipeline       \(d.pipelinePath ?? "-")" + (d.pipelineHash.map { " (sha256 \($0))" } ?? ""),
      "dataset hash   \(d.datasetHash ?? "-")",
    ]
    if let description = d.description { lines.append("description    \(description)") }
    lines.append("hyperparameters \(d.hyperparameters.serialized(sortedKeys: true))")
    lines.append("metrics:")
    for (key, value) in (d.metrics.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
      lines.append("  \(key.padding(toLength: max(36, key.count), withPad: " ", startingAt: 0)) \(value.doubleValue.map { String(format: "%.4f", $0) } ?? value.serialized())")
    }
    return lines.joined(separator: "\n")
  }
}
