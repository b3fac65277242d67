import FlowCore
import Foundation

/// The artifacts an execution produced, for `flow status ID`.
enum ArtifactTable {
  static func json(_ artifact: ArtifactRecord) -> JSONValue {
    ["state": .string(artifact.stateName), "kind": .string(artifact.kind), "sha256": .string(artifact.hash),
     "bytes": .int(artifact.bytes), "path": .string(artifact.path), "inputs": .array(artifact.inputs.map(JSONValue.string)),
     "createdAt": .string(Timestamp.format(artifact.createdAt))]
  }

  /// `artifacts:` then one row per artifact: state, kind, hash prefix, size, inputs (hash prefixes), path.
  static func render(_ artifacts: [ArtifactRecord]) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    let rows = artifacts.map { a in
      [a.stateName, a.kind, String(a.hash.prefix(12)), bytes(a.bytes),
       a.inputs.isEmpty ? "-" : a.inputs.map { $0.count == 64 ? String($0.prefix(12)) : $0 }.joined(separator: ","),
       a.path.hasPrefix(cwd) ? String(a.path.dropFirst(cwd.count)) : a.path]
    }
    return "artifacts:\n" + ExecutionTable.render(["STATE", "KIND", "SHA256", "SIZE", "FROM", "PATH"], rows)
  }

  static func bytes(_ count: Int) -> String {
    if count < 1024 { return "\(count) B" }
    if count < 1024 * 1024 { return String(format: "%.1f KiB", Double(count) / 1024) }
    return String(format: "%.1f MiB", Double(count) / 1024 / 1024)
  }
}
