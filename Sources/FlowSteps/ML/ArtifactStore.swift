import FlowCore
import Foundation

/// A file in the content-addressed artifact area.
struct StoredArtifact: Sendable, Equatable {
  /// Absolute path: `ROOT/sha256/AB/HASH.EXT`.
  var path: String
  var sha256: String
  var bytes: Int

  /// `{"path", "sha256", "bytes"}`, as step outputs reference files.
  var json: JSONValue { ["path": .string(path), "sha256": .string(sha256), "bytes": .int(bytes)] }
}

/// Writes artifacts by content: equal bytes get one file, `ROOT/sha256/AB/HASH.EXT`, which never changes once
/// written, and each write is recorded with the execution and state that produced it and the hashes of its inputs.
/// When the store shares artifact bytes between hosts (`blobs`, the PostgreSQL store), the file's bytes are
/// stored there too before the record is written, so a recorded artifact can always be fetched on another host.
///
/// A file is written to a temporary name and renamed into place, so a crash never leaves a partial file at a
/// content address; writing the same artifact again (a step re-run after a crash) finds it there and only records it.
struct ArtifactStore: Sendable {
  let root: URL
  let catalog: any ArtifactCatalog
  /// Where the bytes are shared with other hosts; nil when artifacts are local files only (the SQLite store).
  var blobs: (any ArtifactBlobStore)? = nil

  /// Stores `data` and records who produced it.
  /// - Parameters:
  ///   - ext: the file extension (`csv`, `json`), so people and tools know what the file holds.
  ///   - kind: what it is, for lineage (`dataset`, `baseline`, `model`, …).
  ///   - inputs: the hashes of the artifacts (or files) it was made from.
  /// - Throws: ``StepFailure`` (`Artifacts.WriteFailed`) when the file can't be written or recorded.
  func store(_ data: Data, ext: String, kind: String, inputs: [String], context: StepContext) throws -> StoredArtifact {
    let hash = HashAlgorithm.sha256.hexDigest(data)
    let directory = root.appendingPathComponent("sha256").appendingPathComponent(String(hash.prefix(2)))
    let file = directory.appendingPathComponent("\(hash).\(ext)")
    do {
      if !FileManager.default.fileExists(atPath: file.path) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(hash).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, file.path) != 0 {
          let code = errno
          try? FileManager.default.removeItem(at: temporary)
          throw StepFailure("Artifacts.WriteFailed", cause: "cannot move \(temporary.path) to \(file.path): \(String(cString: strerror(code)))")
        }
      }
      try blobs?.putBlob(hash: hash, from: file)
      try catalog.recordArtifact(ArtifactRecord(
        hash: hash, path: file.path, kind: kind, bytes: data.count, executionId: context.executionId,
        stateName: context.stateName, inputs: inputs))
    } catch let failure as StepFailure {
      throw failure
    } catch {
      throw StepFailure("Artifacts.WriteFailed", cause: "cannot store the \(kind) artifact under \(root.path): \(error)")
    }
    return StoredArtifact(path: file.path, sha256: hash, bytes: data.count)
  }

  /// The hash of a file referenced by path: taken from its name when it is in the artifact area, computed otherwise.
  func hash(ofFileAt path: String) -> String? {
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    if path.contains("/sha256/"), name.count == 64, name.allSatisfy(\.isHexDigit) { return name }
    return try? HashAlgorithm.sha256.hexDigest(ofFileAt: path)
  }
}
