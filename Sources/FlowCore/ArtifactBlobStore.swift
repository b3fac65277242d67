import Foundation

/// Where the bytes of content-addressed artifacts are shared between hosts, when the store can keep them (the
/// PostgreSQL store does; the SQLite store does not: its artifacts are files next to it).
///
/// Contract (checked by `ArtifactBlobTests`):
/// - a blob is keyed by the SHA-256 of its bytes; storing it again changes nothing;
/// - a blob becomes visible whole or not at all: a writer that dies half-way leaves nothing a reader can see;
/// - neither writing nor reading holds more than one chunk (1 MiB) of it in memory;
/// - ``fetchBlob(hash:into:)`` checks the bytes against the hash before the file appears at its destination,
///   and leaves no file behind when they don't match.
public protocol ArtifactBlobStore: Sendable {
  /// Stores the bytes of the file at `file` under `hash`, unless a blob of that hash is stored.
  /// - Throws: ``StoreError`` (``StoreError/Code/corrupt`` when the file's bytes don't hash to `hash`,
  ///   ``StoreError/Code/io`` when it can't be read).
  func putBlob(hash: String, from file: URL) throws
  /// Whether a blob of `hash` is stored.
  func hasBlob(hash: String) throws -> Bool
  /// Writes the blob of `hash` to `file` (through a temporary file in its directory, renamed into place once its
  /// bytes are verified). Returns false, and writes nothing, when no blob of that hash is stored.
  /// - Throws: ``StoreError`` with ``StoreError/Code/corrupt`` when the stored bytes don't hash to `hash`
  ///   (no file is left), ``StoreError/Code/io`` when the file can't be written.
  @discardableResult
  func fetchBlob(hash: String, into file: URL) throws -> Bool
}
