import FlowCore
import Foundation

/// The bytes of content-addressed artifacts, in PostgreSQL (tables `artifact_blob_chunks` and `artifact_blobs`,
/// migration 3), so every host that shares the store can read what one host wrote.
///
/// A blob is written in one transaction: its chunks, then its `artifact_blobs` row (size and chunk count). A
/// reader starts from that row, so it never sees a blob half-written. Writing and reading stream the file one
/// chunk at a time; reading hashes what it writes and moves the file into place only when the hash matches.
extension PostgresStore: ArtifactBlobStore {
  /// The size of a chunk: large enough that a 100 MB model is a hundred rows, small enough to hold in memory.
  public static let blobChunkSize = 1 << 20

  public func putBlob(hash: String, from file: URL) throws {
    try transaction { db in
      // Serializable, so a concurrent writer of the same blob is retried and finds it here.
      if !(try db.query("SELECT 1 FROM artifact_blobs WHERE hash = ?", [.text(hash)])).isEmpty { return }
      // A writer that died before its commit left nothing; one that committed chunks without their row cannot
      // exist (same transaction), but clear any leftovers anyway so the primary key can't trip.
      try db.run("DELETE FROM artifact_blob_chunks WHERE hash = ?", [.text(hash)])
      let handle: FileHandle
      do { handle = try FileHandle(forReadingFrom: file) } catch {
        throw StoreError("cannot read the artifact \(file.path) to store it: \(error)", code: .io)
      }
      defer { try? handle.close() }
      var digest = SHA256Stream(), index = 0, total = 0
      while true {
        let chunk: Data
        do { chunk = try handle.read(upToCount: Self.blobChunkSize) ?? Data() } catch {
          throw StoreError("cannot read the artifact \(file.path) to store it: \(error)", code: .io)
        }
        if chunk.isEmpty && index > 0 { break }
        digest.update(chunk)
        try db.run("INSERT INTO artifact_blob_chunks (hash, chunk_index, data) VALUES (?,?,?)",
                   [.text(hash), .int(index), .bytes(chunk)])
        index += 1
        total += chunk.count
        if chunk.count < Self.blobChunkSize { break }
      }
      let actual = digest.hexDigest()
      guard actual == hash else {
        throw StoreError("the artifact \(file.path) hashes to \(actual), not to \(hash): not stored", code: .corrupt)
      }
      try db.run("INSERT INTO artifact_blobs (hash, bytes, chunks, created_at) VALUES (?,?,?,?)",
                 [.text(hash), .int(total), .int(index), .double(Date().timeIntervalSince1970)])
    }
  }

  public func hasBlob(hash: String) throws -> Bool {
    try session { db in !(try db.query("SELECT 1 FROM artifact_blobs WHERE hash = ?", [.text(hash)])).isEmpty }
  }

  @discardableResult
  public func fetchBlob(hash: String, into file: URL) throws -> Bool {
    try session { db in
      guard let blob = try db.query("SELECT bytes, chunks FROM artifact_blobs WHERE hash = ?", [.text(hash)], {
        (bytes: try $0.int(0), chunks: try $0.int(1))
      }).first else { return false }
      let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(hash).\(UUID().uuidString).tmp")
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
        throw StoreError("cannot create \(temporary.path) to fetch the artifact \(hash): \(String(cString: strerror(errno)))", code: .io)
      }
      var moved = false
      defer { if !moved { try? FileManager.default.removeItem(at: temporary) } }
      let handle = try FileHandle(forWritingTo: temporary)
      var digest = SHA256Stream(), total = 0
      do {
        defer { try? handle.close() }
        // One chunk per query, so only one chunk is ever in memory.
        for index in 0..<blob.chunks {
          guard let chunk = try db.query("SELECT data FROM artifact_blob_chunks WHERE hash = ? AND chunk_index = ?",
                                         [.text(hash), .int(index)], { try $0.data(0) }).first else {
            throw StoreError("the stored artifact \(hash) is corrupt: chunk \(index) of \(blob.chunks) is missing", code: .corrupt)
          }
          digest.update(chunk)
          total += chunk.count
          do { try handle.write(contentsOf: chunk) } catch {
            throw StoreError("cannot write \(temporary.path) while fetching the artifact \(hash): \(error)", code: .io)
          }
        }
        do { try handle.synchronize() } catch {
          throw StoreError("cannot write \(temporary.path) while fetching the artifact \(hash): \(error)", code: .io)
        }
      }
      let actual = digest.hexDigest()
      guard total == blob.bytes, actual == hash else {
        throw StoreError(
          "the stored artifact \(hash) is corrupt: its \(total) bytes (of \(blob.bytes) recorded) hash to \(actual); nothing was written to \(file.path)",
          code: .corrupt)
      }
      if rename(temporary.path, file.path) != 0 {
        throw StoreError("cannot move \(temporary.path) to \(file.path): \(String(cString: strerror(errno)))", code: .io)
      }
      moved = true
      return true
    }
  }
}
