import FlowCore
import FlowTraining
import Foundation

/// The one place where the ML steps turn a path they were given into a file they can read.
///
/// A step's inputs are mostly the outputs of earlier steps: the splits of `flow:process`, its baseline, a model of
/// `flow:train`, predictions of `flow:transform`. Those are content-addressed artifacts
/// (`ROOT/sha256/AB/HASH.EXT`), written — with a PostgreSQL store — to the store's blob tables as well
/// (``ArtifactStore``). When a step runs on another host than the one that produced its input, the recorded path
/// does not exist here; ``ArtifactCache/localPath(of:hash:)`` then answers this host's cache path of the same
/// content address, fetching the bytes from the store first (checked against their SHA-256 before the file
/// appears). A path that exists here (the same host, a shared directory, a user's own data file) is read as it is.
extension MLEnvironment {
  /// A path on this host holding the file a step reads at `path` (fetched into the artifact cache when it is
  /// another host's artifact), or `path` itself when it is no artifact or no copy of it is stored.
  /// - Parameters:
  ///   - hash: the file's SHA-256 when the reference carries it; else the one in an artifact path's name is used.
  ///   - what: what the file is, for the message (`data set`, `model artifact`, `baseline`).
  /// - Throws: ``StepFailure`` `STEP.ArtifactCorrupt` when the stored copy's bytes don't match their hash (no file
  ///   is left in the cache) or cannot be written here.
  func readablePath(_ path: String, hash: String? = nil, what: String = "artifact", step: String) throws -> String {
    do { return try artifactCache.localPath(of: path, hash: hash) } catch {
      throw StepFailure("\(step).ArtifactCorrupt", cause: "cannot fetch the \(what) \(path) from the store: \(error)")
    }
  }

  /// A local path of the model artifact the registry recorded at `path` (fetched into the cache when it is
  /// missing here).
  func localModelPath(_ path: String, hash: String? = nil, step: String) throws -> String {
    try readablePath(path, hash: hash, what: "model artifact", step: step)
  }

  /// Reads a CSV file for a step — fetched first when it is another host's artifact — naming the file, line and
  /// column of a problem.
  /// - Throws: ``StepFailure`` `STEP.FileNotFound`, `STEP.ArtifactCorrupt`, or the data errors of `CSVReader`.
  func readCSV(_ path: String, hash: String? = nil, step: String) throws -> Dataset {
    let local = try readablePath(path, hash: hash, what: "data set", step: step)
    guard FileManager.default.fileExists(atPath: local) else { throw notFound(path, step: step) }
    return try mapTrainingErrors(step, file: local) { try CSVReader().read(contentsOfFile: local) }
  }

  /// Loads a model artifact for a step, fetched first when it is another host's.
  /// - Throws: ``StepFailure`` (`STEP.InvalidModel`, `STEP.FileNotReadable`, `STEP.ArtifactCorrupt`).
  func loadModel(_ reference: ModelReference, step: String) throws -> (artifact: ModelArtifact, localPath: String) {
    let local = try localModelPath(reference.path, hash: reference.sha256, step: step)
    return (try mapTrainingErrors(step, file: local) { try ModelArtifact.load(contentsOfFile: local) }, local)
  }

  /// A missing input, saying why it may be missing: another host's artifact the store holds no copy of.
  private func notFound(_ path: String, step: String) -> StepFailure {
    var cause = "no such file: \(path) (relative paths are resolved from \(FileManager.default.currentDirectoryPath))"
    if ArtifactCache.hash(inPath: path) != nil {
      cause += blobs == nil
        ? "; it is an artifact written under another artifact directory: share that directory, or use a PostgreSQL store, which keeps every artifact's bytes"
        : "; it is an artifact the store holds no copy of (written before artifacts were kept in the store, or under another store)"
    }
    return StepFailure("\(step).FileNotFound", cause: cause)
  }
}
