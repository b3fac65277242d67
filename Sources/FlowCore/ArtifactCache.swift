import Foundation

/// This host's copy of the content-addressed artifacts (`.flow/artifacts/sha256/AB/HASH.EXT`), filled from an
/// ``ArtifactBlobStore`` when the store shares artifact bytes between hosts.
///
/// An artifact written on host A (a model, a split of a data set, a baseline) is recorded and passed on with A's
/// path. On host B, ``localPath(of:hash:)`` answers that path when the file is there (the same host, or a shared
/// directory); otherwise B's cache path of the same content address, fetching the bytes from the blob store first
/// when B has no copy yet. The registry, `flow serve` and every ML step's inputs go through it.
///
/// ```swift
/// let cache = ArtifactCache(root: storeDirectory.appendingPathComponent("artifacts"), blobs: store as? any ArtifactBlobStore)
/// let path = try cache.localPath(of: record.artifactPath, hash: record.artifactHash)
/// ```
public struct ArtifactCache: Sendable {
  /// The cache's root: content-addressed files are `ROOT/sha256/AB/HASH.EXT`.
  public var root: URL
  /// Where missing artifacts are fetched from; nil when the store keeps no artifact bytes.
  public var blobs: (any ArtifactBlobStore)?

  public init(root: URL, blobs: (any ArtifactBlobStore)?) {
    self.root = root
    self.blobs = blobs
  }

  /// Where this host's copy of the content address `hash` with extension `ext` is (whether or not it exists).
  public func cachePath(hash: String, ext: String) -> URL {
    root.appendingPathComponent("sha256").appendingPathComponent(String(hash.prefix(2)))
      .appendingPathComponent(ext.isEmpty ? hash : "\(hash).\(ext)")
  }

  /// The content address in an artifact path (`…/sha256/AB/HASH.EXT`), if it is one.
  public static func hash(inPath path: String) -> String? {
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    guard path.contains("/sha256/"), name.count == 64, name.allSatisfy(\.isHexDigit) else { return nil }
    return name.lowercased()
  }

  /// A path on this host holding the artifact recorded at `path`: `path` itself when the file exists, else this
  /// host's cache path of its content address (`hash`, or the one in the path's name), fetched from the blob
  /// store when missing. A path that is no artifact, or an artifact no blob holds, is answered unchanged, so the
  /// caller's "cannot read" names the recorded path.
  /// - Throws: ``StoreError`` when the fetched bytes don't match their hash or can't be written.
  public func localPath(of path: String, hash: String? = nil) throws -> String {
    if FileManager.default.fileExists(atPath: path) { return path }
    guard let hash = hash.flatMap({ $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0.lowercased() : nil })
      ?? Self.hash(inPath: path) else { return path }
    let local = cachePath(hash: hash, ext: URL(fileURLWithPath: path).pathExtension)
    if FileManager.default.fileExists(atPath: local.path) { return local.path }
    guard let blobs else { return path }
    do {
      try FileManager.default.createDirectory(at: local.deletingLastPathComponent(), withIntermediateDirectories: true)
    } catch {
      throw StoreError("cannot create the artifact cache directory \(local.deletingLastPathComponent().path): \(error)", code: .io)
    }
    return try blobs.fetchBlob(hash: hash, into: local) ? local.path : path
  }
}
