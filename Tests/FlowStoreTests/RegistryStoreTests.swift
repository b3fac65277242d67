import FlowCore
import FlowStore
import Foundation
import Testing

/// The model registry and artifact lineage on each store (SQLite, and PostgreSQL when `FLOW_TEST_POSTGRES_URL` is set).
@Suite struct RegistryStoreTests {
  typealias Backend = TestStoreLocation.Backend

  func store(_ backend: Backend) throws -> any FlowStoreBackend { try TestStoreLocation(backend).open() }

  /// A draft whose artifact hash is new each time unless `hash` is given.
  func draft(_ name: String, key: String? = nil, hash: String = UUID().uuidString) -> ModelVersionDraft {
    ModelVersionDraft(modelName: name, artifactPath: "/a/\(name).json", artifactHash: hash,
                      executionId: "e1", hyperparameters: ["C": 1.0], metrics: ["accuracy": 0.99], idempotencyKey: key)
  }

  @Test(arguments: Backend.available) func versionsArePerModel_andRegisteringWithTheSameKeyIsIdempotent(_ backend: Backend) throws {
    let store = try store(backend)
    #expect(try store.register(draft("a", key: "k1")).version == 1)
    #expect(try store.register(draft("a", key: "k1")).version == 1)
    #expect(try store.register(draft("a", key: "k2")).version == 2)
    #expect(try store.register(draft("b")).version == 1)
    #expect(try store.modelVersions("a").map(\.version) == [1, 2])
    #expect(try store.modelVersions(nil).count == 3)
    #expect(try store.modelVersion("a", version: 2)?.draft.metrics["accuracy"] == 0.99)
  }

  @Test(arguments: Backend.available) func approvalAndAliases(_ backend: Backend) throws {
    let store = try store(backend)
    _ = try store.register(draft("a"))
    let approved = try store.setApproval("a", version: 1, status: .approved, note: "ok")
    #expect(approved.approvalStatus == .approved)
    #expect(approved.approvalNote == "ok")
    try store.setAlias("production", modelName: "a", version: 1)
    #expect(try store.modelVersion("a", alias: "production")?.aliases == ["production"])
    try store.setAlias("production", modelName: "a", version: nil)
    #expect(try store.modelVersion("a", alias: "production") == nil)
    #expect(throws: StoreError.self) { try store.setAlias("x", modelName: "a", version: 9) }
    #expect(throws: StoreError.self) { try store.setApproval("nope", version: 1, status: .approved, note: nil) }
  }

  @Test(arguments: Backend.available) func deployKeepsThePrevious_rollbackSwaps_andAnEmptyHistoryCannotRollBack(_ backend: Backend) throws {
    let store = try store(backend)
    _ = try store.register(draft("a"))
    _ = try store.register(draft("a"))
    _ = try store.deploy(endpoint: "e", model: "a", version: 1, executionId: nil, idempotencyKey: "d1")
    #expect(throws: StoreError.self) { try store.rollback(endpoint: "e") }
    let second = try store.deploy(endpoint: "e", model: "a", version: 2, executionId: nil, idempotencyKey: "d2")
    #expect(second.current.version == 2 && second.previous?.version == 1)
    #expect(try store.deploy(endpoint: "e", model: "a", version: 2, executionId: nil, idempotencyKey: "d3").previous?.version == 1)
    let back = try store.rollback(endpoint: "e")
    #expect(back.current.version == 1 && back.previous?.version == 2)
    #expect(try store.endpoints().map(\.name) == ["e"])
  }

  @Test(arguments: Backend.available) func registeringAByteIdenticalArtifactAgain_returnsTheExistingVersion(_ backend: Backend) throws {
    let store = try store(backend)
    let hash = String(repeating: "a", count: 64)
    #expect(try store.register(draft("a", key: "k1", hash: hash)).version == 1)
    let again = try store.register(draft("a", key: "k2", hash: hash))
    #expect(again.version == 1)
    #expect(again.draft.idempotencyKey == "k1")
    #expect(try store.register(draft("b", key: "k3", hash: hash)).version == 1)   // another model: its own version
    #expect(try store.register(draft("a", key: "k4")).version == 2)
    #expect(try store.modelVersions("a").map(\.version) == [1, 2])
  }

  @Test(arguments: Backend.available) func rollbackRefusesARejectedVersion_namingTheNewestApprovedOne(_ backend: Backend) throws {
    let store = try store(backend)
    for _ in 1...3 { _ = try store.register(draft("a")) }
    _ = try store.setApproval("a", version: 2, status: .approved, note: nil)
    _ = try store.deploy(endpoint: "e", model: "a", version: 1, executionId: nil, idempotencyKey: "d1")
    _ = try store.deploy(endpoint: "e", model: "a", version: 3, executionId: nil, idempotencyKey: "d2")
    _ = try store.setApproval("a", version: 1, status: .rejected, note: "leaks labels")
    let error = #expect(throws: StoreError.self) { try store.rollback(endpoint: "e") }
    #expect(error?.message.contains("a v1: that version is Rejected (leaks labels)") == true)
    #expect(error?.message.contains("newest deployable (Approved) version is a v2") == true)
    #expect(try store.endpoint("e")?.current.version == 3)   // unchanged
  }

  @Test(arguments: Backend.available) func artifactLineageIsRecordedOncePerProducer(_ backend: Backend) throws {
    let store = try store(backend)
    let record = ArtifactRecord(hash: "h", path: "/p", kind: "model", bytes: 3, executionId: "e1", stateName: "Train", inputs: ["i"])
    try store.recordArtifact(record)
    try store.recordArtifact(record)
    #expect(try store.artifacts(producedBy: "e1") == [record])
    #expect(try store.artifacts(withHash: "h").count == 1)
  }
}
