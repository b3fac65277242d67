import FlowCore
import Foundation

extension ModelArtifact {
  /// The artifact as JSON (keys sorted, so equal artifacts give equal bytes).
  /// - Throws: ``TrainingError`` (`invalid-artifact`) if encoding fails.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    do { return try encoder.encode(self) } catch {
      throw TrainingError(.invalidArtifact, "can't encode the model artifact", underlying: "\(error)")
    }
  }

  /// Reads an artifact from JSON, checking its format and version first.
  /// - Throws: ``TrainingError``: `unsupported-version` for a newer format version; `invalid-artifact`
  ///   for data that isn't JSON (for example a truncated file), isn't a flow model, lacks a field,
  ///   or is inconsistent (features that don't match the preprocessing).
  public static func decode(_ data: Data) throws -> ModelArtifact {
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      // Foundation's own text (`NSCocoaErrorDomain Code=3840`) helps nobody; say where the JSON broke when it knows.
      let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String).map { ": \($0)" } ?? ""
      throw TrainingError(.invalidArtifact, "the model artifact is not valid JSON (is the file truncated?)\(detail)")
    }
    guard let header = object as? [String: Any] else {
      throw TrainingError(.invalidArtifact, "the model artifact is not a JSON object")
    }
    guard header["format"] as? String == formatName else {
      throw TrainingError(.invalidArtifact, "not a flow model artifact: 'format' is \(header["format"].map { "'\($0)'" } ?? "missing"), expected '\(formatName)'")
    }
    guard let version = header["format_version"] as? Int else {
      throw TrainingError(.invalidArtifact, "the model artifact has no integer 'format_version'")
    }
    guard version == currentVersion else {
      throw TrainingError(.unsupportedVersion, "model artifact format version \(version) is not supported; this library reads version \(currentVersion)")
    }
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    let artifact: ModelArtifact
    do { artifact = try decoder.decode(ModelArtifact.self, from: data) } catch let error as DecodingError {
      throw TrainingError(.invalidArtifact, "the model artifact is incomplete or malformed: \(Self.describe(error))")
    } catch {
      throw TrainingError(.invalidArtifact, "the model artifact can't be read", underlying: "\(error)")
    }
    try artifact.validate()
    return artifact
  }

  /// Writes the artifact as JSON to `path`.
  /// - Throws: ``TrainingError`` (`io`).
  public func save(toFile path: String) throws {
    let data = try encoded()
    do {
      let url = URL(fileURLWithPath: path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url, options: .atomic)
    } catch {
      throw TrainingError(.io, "can't write the model artifact to '\(path)': \(FileErrorReason.reason(for: error, path: path, writing: true))")
    }
  }

  /// Reads an artifact from the JSON file at `path`.
  /// - Throws: ``TrainingError`` (`io`, or as ``decode(_:)``).
  public static func load(contentsOfFile path: String) throws -> ModelArtifact {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw TrainingError(.io, "can't read the model artifact '\(path)': \(FileErrorReason.reason(for: error, path: path))")
    }
    return try decode(data)
  }

  /// Checks that the parts agree with each other.
  func validate() throws {
    guard preprocessing.features == features else {
      throw TrainingError(.invalidArtifact, "the artifact's features don't match its preprocessing")
    }
    if task == .classification, (target.classes?.count ?? 0) < 2 {
      throw TrainingError(.invalidArtifact, "a classification artifact needs at least two class labels")
    }
  }

  private static func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
    switch error {
    case .keyNotFound(let key, let context):
      let at = path(context.codingPath)
      return "missing field '\(key.stringValue)'" + (at.isEmpty ? "" : " in '\(at)'")
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "bad value at '\(path(context.codingPath))': \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}
