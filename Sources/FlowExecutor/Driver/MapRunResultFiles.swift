import FlowCore
import FlowDefinition
import Foundation

/// What a DISTRIBUTED Map's `ResultWriter` writes, in AWS's shape but under the artifact directory instead of an
/// S3 bucket: `<Prefix>/<map run id>/manifest.json`, and `SUCCEEDED_0.json`, `FAILED_0.json`, `PENDING_0.json` (each
/// only when it has entries; `.jsonl` with `OutputType: JSONL`) listing the child executions.
///
/// `WriterConfig.Transformation` decides what a succeeded child contributes: its entry with metadata (`NONE`), its
/// output (`COMPACT`), or its output with an array spliced in (`FLATTEN`). Failed and pending children are always
/// listed with their metadata (`NONE`), as AWS does, so their errors are not lost.
///
/// Each file is written to a temporary name and renamed into place, so a crash leaves whole files or none; the
/// manifest comes last, so a manifest always names files that exist. Writing again (a resumed parent) writes the
/// same content.
struct MapRunResultFiles {
  let run: MapRunBatch
  let writer: ResultWriter
  let pipeline: String
  /// Children that ended, in item order.
  let finished: [ExecutionRecord]
  /// Children still running (a run that failed and aborted them).
  let pending: [ExecutionRecord]

  /// The directory of the run's files, relative to the artifact directory.
  var directory: String { writer.prefix.isEmpty ? run.mapRunId : "\(writer.prefix)/\(run.mapRunId)" }

  /// The Map's output when the writer writes no files (`WriterConfig` alone): the finished children's results in
  /// item order, transformed.
  var preview: JSONValue { .array(finished.flatMap(results)) }

  /// What one finished child contributes to the results: its transformed output when it succeeded, else its entry.
  private func results(_ record: ExecutionRecord) -> [JSONValue] {
    guard record.status == .succeeded else { return [entry(record)] }
    let output = record.output ?? .null
    switch writer.transformation {
    case .none: return [entry(record)]
    case .compact: return [output]
    case .flatten: return output.arrayValue ?? [output]
    }
  }

  /// The files' contents by name (manifest last), with the artifact directory's path as the "bucket".
  func contents(bucket: String) -> [(name: String, data: Data)] {
    var files: [(String, Data)] = []
    var listed: JSONObject = ["SUCCEEDED": [], "FAILED": [], "PENDING": []]
    let groups: [(String, [JSONValue])] = [
      ("SUCCEEDED", finished.filter { $0.status == .succeeded }.flatMap(results)),
      ("FAILED", finished.filter { $0.status != .succeeded }.map(entry)),
      ("PENDING", pending.map(entry)),
    ]
    for (status, values) in groups where !values.isEmpty {
      let name: String, text: String
      switch writer.outputType {
      case .json: (name, text) = ("\(status)_0.json", JSONValue.array(values).serialized())
      case .jsonl: (name, text) = ("\(status)_0.jsonl", values.map { $0.serialized() + "\n" }.joined())
      }
      let data = Data(text.utf8)
      files.append((name, data))
      listed[status] = [["Key": .string("\(directory)/\(name)"), "Size": .int(data.count)]]
    }
    let manifest: JSONValue = [
      "DestinationBucket": .string(bucket), "MapRunArn": .string(run.mapRunArn), "ResultFiles": .object(listed),
    ]
    files.append(("manifest.json", Data(manifest.serialized().utf8)))
    return files
  }

  /// One child in a result file, with the members AWS writes.
  private func entry(_ record: ExecutionRecord) -> JSONValue {
    var entry: JSONObject = [
      "ExecutionArn": .string("arn:flow:states:local:0:execution:\(pipeline)/\(run.mapRunId):\(record.id)"),
      "Name": .string(record.id),
      "StateMachineArn": .string("arn:flow:states:local:0:stateMachine:\(pipeline)/\(run.mapRunId)"),
      "Status": .string(record.status.rawValue),
      "Input": .string(record.input.serialized()), "InputDetails": ["Included": true],
      "StartDate": .string(Timestamps.format(record.startTime)),
      "RedriveCount": .int(record.redriveCount),
    ]
    if let stop = record.stopTime { entry["StopDate"] = .string(Timestamps.format(stop)) }
    if record.status == .succeeded {
      entry["Output"] = .string((record.output ?? .null).serialized())
      entry["OutputDetails"] = ["Included": true]
    } else if record.status.isFinal {
      if let error = record.error { entry["Error"] = .string(error) }
      if let cause = record.cause { entry["Cause"] = .string(cause) }
    }
    return .object(entry)
  }

  /// Writes the files under `root` (the artifact directory) and returns the Map's output:
  /// `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`.
  /// - Throws: ``StepFailure`` `States.ResultWriterFailed` when a file cannot be written.
  func write(under root: URL) throws -> JSONValue {
    let folder = root.appendingPathComponent(directory, isDirectory: true)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for (name, data) in contents(bucket: root.path) {
        // `.atomic` writes a temporary file and renames it into place.
        try data.write(to: folder.appendingPathComponent(name), options: .atomic)
      }
    } catch {
      throw StepFailure("States.ResultWriterFailed",
                        cause: "cannot write the Map Run's results to \(folder.path): \(FileErrorReason.reason(for: error, path: folder.path, writing: true))")
    }
    return ["MapRunArn": .string(run.mapRunArn),
            "ResultWriterDetails": ["Bucket": .string(root.path), "Key": .string("\(directory)/manifest.json")]]
  }
}
