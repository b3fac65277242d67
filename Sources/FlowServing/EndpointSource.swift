import Foundation
import FlowCore

/// What one endpoint serves: a model name, its version, and where its artifact is.
public struct EndpointTarget: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The registered model's name.
  public var modelName: String
  /// The model version (a registry version number, or any label).
  public var version: String
  /// Path of the model artifact (`ModelArtifact` JSON) on disk.
  public var artifactPath: String

  /// Creates a target.
  public init(modelName: String, version: String, artifactPath: String) {
    self.modelName = modelName
    self.version = version
    self.artifactPath = artifactPath
  }

  /// `digits v3 (models/digits-3.json)`.
  public var description: String { "\(modelName) v\(version) (\(artifactPath))" }

  private enum CodingKeys: String, CodingKey {
    case modelName = "model", version, artifactPath = "artifact"
  }
}

/// Where an ``InferenceServer`` learns which model each endpoint serves.
///
/// The server calls ``endpoints()`` at start and then about twice a second. When an endpoint's
/// target changes, the server loads the new artifact in the background and swaps it in once it is
/// ready; requests never wait for a load and never fail because of one. An endpoint that disappears
/// from the table stops being served.
///
/// Contract: `endpoints()` must be cheap (it is polled), must not block for long, and may be called
/// from any thread. Throwing is harmless: the server logs the error and keeps its current table.
public protocol EndpointSource: Sendable {
  /// The current endpoint table: endpoint name → what it serves.
  /// - Throws: Any error; the server keeps serving what it has.
  func endpoints() throws -> [String: EndpointTarget]
}

/// A fixed endpoint table, for example from `flow serve --model NAME=PATH`.
public struct StaticEndpointSource: EndpointSource {
  /// The table.
  public var table: [String: EndpointTarget]

  /// Creates a source that always answers `table`.
  public init(_ table: [String: EndpointTarget]) { self.table = table }

  /// Returns ``table``.
  public func endpoints() throws -> [String: EndpointTarget] { table }
}

/// An endpoint table read from a JSON file, re-read whenever the file changes.
///
/// The file maps endpoint names to targets:
/// `{"digits": {"model": "digits", "version": "3", "artifact": "models/digits-3.json"}}`.
/// A relative artifact path is resolved against the file's directory. Writing the file atomically
/// (write a temporary file, then rename) redeploys without restarting the server.
public final class FileEndpointSource: EndpointSource {
  /// The JSON file.
  public let path: String
  private let cache = Locked<(stamp: FileStamp?, table: [String: EndpointTarget])>((nil, [:]))

  private struct FileStamp: Equatable {
    var modified: Date?
    var size: Int?
    var inode: Int?
  }

  /// Creates a source reading `path`.
  public init(path: String) { self.path = path }

  /// The file's table (cached while the file's modification time, size and inode are unchanged).
  /// - Throws: ``ServingError`` (`endpoint-source`) if the file can't be read or isn't such a table.
  public func endpoints() throws -> [String: EndpointTarget] {
    let attributes: [FileAttributeKey: Any]
    do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
      throw ServingError(.endpointSource, "can't read the endpoint file '\(path)'", underlying: "\(error)")
    }
    let stamp = FileStamp(modified: attributes[.modificationDate] as? Date, size: attributes[.size] as? Int,
                          inode: attributes[.systemFileNumber] as? Int)
    if let cached = cache.withLock({ $0.stamp == stamp ? $0.table : nil }) { return cached }
    let table = try Self.parse(contentsOf: path)
    cache.withLock { $0 = (stamp, table) }
    return table
  }

  static func parse(contentsOf path: String) throws -> [String: EndpointTarget] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw ServingError(.endpointSource, "can't read the endpoint file '\(path)': \(FileErrorReason.reason(for: error, path: path))")
    }
    var table: [String: EndpointTarget]
    do { table = try JSONDecoder().decode([String: EndpointTarget].self, from: data) } catch {
      throw ServingError(.endpointSource,
                         "the endpoint file '\(path)' is not a JSON object of {\"model\", \"version\", \"artifact\"} entries",
                         underlying: "\(error)")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    for (name, target) in table where !target.artifactPath.hasPrefix("/") {
      table[name]?.artifactPath = directory.appendingPathComponent(target.artifactPath).path
    }
    return table
  }
}
