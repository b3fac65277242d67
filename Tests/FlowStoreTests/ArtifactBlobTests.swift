import FlowCore
@testable import FlowPostgres
import Foundation
import Testing

/// Artifact bytes in PostgreSQL (``ArtifactBlobStore`` on ``PostgresStore``) and the per-host cache that reads
/// them (``ArtifactCache``): what lets a model trained on one host be served on another.
@Suite(.enabled(if: PostgresTestServer.url != nil, "FLOW_TEST_POSTGRES_URL is unset"))
struct ArtifactBlobTests {
  let schema = PostgresTestServer.freshSchema()

  func store() throws -> PostgresStore { try PostgresStore(url: try #require(PostgresTestServer.url), schema: schema) }

  func directory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flow-blobs-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `bytes` into cache `root` at its content address, as ArtifactStore does, and returns its hash and path.
  func write(_ bytes: Data, into root: URL, ext: String = "bin") throws -> (hash: String, path: URL) {
    var digest = SHA256Stream()
    digest.update(bytes)
    let hash = digest.hexDigest()
    let path = ArtifactCache(root: root, blobs: nil).cachePath(hash: hash, ext: ext)
    try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
    try bytes.write(to: path)
    return (hash, path)
  }

  func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    var words = (0..<(count + 7) / 8).map { _ in generator.next() as UInt64 }
    return words.withUnsafeMutableBytes { Data($0.prefix(count)) }
  }

  @Test func aBlobWrittenWithOneCacheIsReadIntoAnEmptyOtherCache_byteIdentical() throws {
    let a = try directory("a"), b = try directory("b")
    let bytes = randomBytes(3 * PostgresStore.blobChunkSize + 12_345)
    let (hash, pathA) = try write(bytes, into: a)
    let writer = try store()
    try writer.putBlob(hash: hash, from: pathA)
    try writer.putBlob(hash: hash, from: pathA)    // again: changes nothing
    try FileManager.default.removeItem(at: a)       // host B cannot see host A's files

    let reader = try store()
    let cacheB = ArtifactCache(root: b, blobs: reader)
    let local = try cacheB.localPath(of: pathA.path)
    #expect(local == cacheB.cachePath(hash: hash, ext: "bin").path)
    #expect(try Data(contentsOf: URL(fileURLWithPath: local)) == bytes)
    // Once cached, it is read from the cache even without the store.
    #expect(try ArtifactCache(root: b, blobs: nil).localPath(of: pathA.path) == local)
    try writer.dropSchema()
  }

  @Test func aCorruptedChunkIsDetectedOnRead_andNoFileIsLeft() throws {
    let a = try directory("a"), b = try directory("b")
    let (hash, pathA) = try write(randomBytes(2 * PostgresStore.blobChunkSize + 10), into: a)
    let store = try store()
    try store.putBlob(hash: hash, from: pathA)
    try store.transaction { db in
      try db.run("UPDATE artifact_blob_chunks SET data = ? WHERE hash = ? AND chunk_index = 1",
                 [.bytes(Data("tampered".utf8)), .text(hash)])
    }
    let cache = ArtifactCache(root: b, blobs: store)
    let target = cache.cachePath(hash: hash, ext: "bin")
    let error = #expect(throws: StoreError.self) { _ = try cache.localPath(of: "/host-a/artifacts/sha256/\(hash.prefix(2))/\(hash).bin") }
    #expect(error?.code == .corrupt)
    #expect(error?.message.contains("the stored artifact \(hash) is corrupt") == true, "\(String(describing: error))")
    #expect(!FileManager.default.fileExists(atPath: target.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path).isEmpty)
    try store.dropSchema()
  }

  @Test func aFileWhoseBytesDoNotMatchItsHashIsNotStored() throws {
    let a = try directory("a")
    let (hash, path) = try write(randomBytes(1_000), into: a)
    try Data("other bytes".utf8).write(to: path)
    let store = try store()
    #expect(performing: { try store.putBlob(hash: hash, from: path) }, throws: { ($0 as? StoreError)?.code == .corrupt })
    #expect(try !store.hasBlob(hash: hash))
    try store.dropSchema()
  }

  /// Chunks without their blob row (as a writer that died before committing would leave, were it not one
  /// transaction) are never read as a blob.
  @Test func chunksWithoutTheirBlobRowAreNotABlob() throws {
    let store = try store()
    let hash = String(repeating: "ab", count: 32)
    try store.transaction { db in
      try db.run("INSERT INTO artifact_blob_chunks (hash, chunk_index, data) VALUES (?, 0, ?)", [.text(hash), .bytes(Data([1, 2]))])
    }
    let b = try directory("b")
    #expect(try !store.hasBlob(hash: hash))
    #expect(try !store.fetchBlob(hash: hash, into: b.appendingPathComponent("x")))
    #expect(try ArtifactCache(root: b, blobs: store).localPath(of: "/a/sha256/ab/\(hash).json") == "/a/sha256/ab/\(hash).json")
    try store.dropSchema()
  }

  /// A 20 MiB artifact round-trips; prints how fast it was written and read (not a timed assertion).
  @Test func aLargeArtifactRoundTrips() throws {
    let a = try directory("a"), b = try directory("b")
    let bytes = randomBytes(20 << 20)
    let (hash, pathA) = try write(bytes, into: a)
    let store = try store()
    let clock = ContinuousClock()
    let put = try clock.measure { try store.putBlob(hash: hash, from: pathA) }
    let target = b.appendingPathComponent("model.bin")
    var found = false
    let fetched = try clock.measure { found = try store.fetchBlob(hash: hash, into: target) }
    #expect(found)
    #expect(try Data(contentsOf: target) == bytes)
    func rate(_ duration: Duration) -> String {
      let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
      return String(format: "%.1f MiB/s", 20 / max(seconds, 1e-9))
    }
    print("artifact blob 20 MiB: put \(put) (\(rate(put))), fetch \(fetched) (\(rate(fetched)))")
    try store.dropSchema()
  }
}
