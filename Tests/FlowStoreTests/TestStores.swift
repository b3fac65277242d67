import FlowCore
@testable import FlowPostgres
import FlowStore
import Foundation
import Testing

/// The PostgreSQL server the tests use: `FLOW_TEST_POSTGRES_URL` (`.ci/run` starts a throw-away cluster and sets
/// it). Without it the PostgreSQL cases are left out of every parameterized test and
/// ``PostgresServerTests/theServerIsConfigured()`` reports them skipped; with `CI=1` or `FLOW_REQUIRE_POSTGRES=1`
/// that test fails instead.
enum PostgresTestServer {
  static var url: String? {
    ProcessInfo.processInfo.environment["FLOW_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
  }

  static var required: Bool {
    let environment = ProcessInfo.processInfo.environment
    return environment["CI"] == "1" || environment["FLOW_REQUIRE_POSTGRES"] == "1"
  }

  /// A schema no other test uses, so every store starts empty.
  static func freshSchema() -> String { "flowtest_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
}

/// A store for one test, of either kind, in a place of its own (a new SQLite file or a new PostgreSQL schema);
/// ``open()`` opens another connection to the same store, as another process would.
struct TestStoreLocation: Sendable {
  enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    /// SQLite always; PostgreSQL when `FLOW_TEST_POSTGRES_URL` is set.
    static var available: [Backend] { PostgresTestServer.url == nil ? [.sqlite] : [.sqlite, .postgres] }
  }

  let backend: Backend
  private let place: String

  init(_ backend: Backend) throws {
    self.backend = backend
    switch backend {
    case .sqlite:
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-store-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      place = directory.appendingPathComponent("flow.db").path
    case .postgres:
      place = PostgresTestServer.freshSchema()
    }
  }

  func open() throws -> any FlowStoreBackend {
    switch backend {
    case .sqlite: return try SQLiteStore(path: place, durability: .normal)
    case .postgres:
      let url = try #require(PostgresTestServer.url, "FLOW_TEST_POSTGRES_URL is unset")
      return try PostgresStore(url: url, schema: place)
    }
  }
}

/// Whether the PostgreSQL cases of the store tests ran.
@Suite struct PostgresServerTests {
  /// Shows up as skipped (with this comment) when no server is configured, so a run without PostgreSQL says so;
  /// fails when CI requires the server and it is missing.
  @Test(.enabled(if: PostgresTestServer.url != nil || PostgresTestServer.required,
                 "FLOW_TEST_POSTGRES_URL is unset: the PostgreSQL cases of the store tests were skipped"))
  func theServerIsConfigured() throws {
    let url = try #require(PostgresTestServer.url,
                           "CI=1 or FLOW_REQUIRE_POSTGRES=1 requires FLOW_TEST_POSTGRES_URL (a PostgreSQL server for the store tests)")
    let store = try PostgresStore(url: url, schema: PostgresTestServer.freshSchema())
    #expect(try store.executions(limit: 1).isEmpty)
    try store.dropSchema()
  }

  /// Opening the same new schema from several threads at once migrates it once (under the advisory lock).
  @Test(.enabled(if: PostgresTestServer.url != nil, "FLOW_TEST_POSTGRES_URL is unset")) func concurrentOpensMigrateOnce() async throws {
    let url = try #require(PostgresTestServer.url)
    let schema = PostgresTestServer.freshSchema()
    let opened = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<4 { group.addTask { (try? PostgresStore(url: url, schema: schema)) != nil } }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(opened == 4)
  }

  /// A row another connection holds locked longer than the lock timeout is reported as `busy` (as SQLite's busy
  /// timeout, `SQLiteStoreTests.aStoreLockedByAnotherConnectionIsBusy`), and the commit writes nothing.
  @Test(.enabled(if: PostgresTestServer.url != nil, "FLOW_TEST_POSTGRES_URL is unset")) func aRowLockedByAnotherConnectionIsBusy() throws {
    let url = try #require(PostgresTestServer.url)
    let schema = PostgresTestServer.freshSchema()
    let a = try PostgresStore(url: url, schema: schema), b = try PostgresStore(url: url, schema: schema, lockTimeout: 0.2)
    let r = ExecutionRecord(id: "x2", name: "x2", pipeline: "p", pipelinePath: "p.yaml", definition: "{}", input: [:],
                            startTime: 1, owner: "me", leaseUntil: 10, leaseEpoch: 1)
    try a.create(r, events: [], scopes: [])
    try a.transaction { db in
      try db.query("SELECT 1 FROM executions WHERE id = ? FOR UPDATE", [.text(r.id)])
      var batch = CommitBatch(executionId: r.id)
      batch.events = [HistoryEvent(id: 1, previousId: 0, type: .passStateEntered, timestamp: 1)]
      batch.fence = LeaseFence(owner: "me", epoch: 1)
      #expect { try b.commit(batch) } throws: { ($0 as? StoreError)?.code == .busy }
    }
    #expect(try b.lastEventId(of: r.id) == 0)
    try a.dropSchema()
  }

  /// The password shows in no description of a URL or a store.
  @Test func describingAURLNeverShowsThePassword() throws {
    let url = try PostgresURL("postgresql://flow:s3cret-pw@db:5432/flow", environment: [:])
    var dumped = ""
    dump(url, to: &dumped)
    for text in [String(describing: url), String(reflecting: url), dumped, "\(url)"] {
      #expect(!text.contains("s3cret-pw"), "\(text)")
    }
  }

  /// A wrong password or an unreachable server is an error that names the server without the password.
  @Test func errorsNeverShowThePassword() throws {
    let error = #expect(throws: StoreError.self) {
      _ = try PostgresStore(url: "postgresql://flow:s3cret-pw@127.0.0.1:1/flow?sslmode=disable")
    }
    #expect(error?.message.contains("s3cret-pw") == false)
    #expect(error?.message.contains("postgresql://flow:***@127.0.0.1:1/flow") == true)
    #expect(error?.code == .io)
  }

  @Test func urlsParseAsLibpqReadsThem() throws {
    let url = try PostgresURL("postgres://ml%40team:p%3Aw@db.internal:6543/flow?sslmode=require&schema=proj", environment: [:])
    #expect(url.user == "ml@team")
    #expect(url.password == "p:w")
    #expect(url.host == "db.internal")
    #expect(url.port == 6543)
    #expect(url.database == "flow")
    #expect(url.sslMode == .require)
    #expect(url.schema == "proj")
    #expect(url.description == "postgresql://ml@team:***@db.internal:6543/flow?sslmode=require&schema=proj")
    #expect(throws: StoreError.self) { try PostgresURL("postgresql://u@h/db?sslmode=sometimes", environment: [:]) }
    #expect(throws: StoreError.self) { try PostgresURL("postgresql://u@h/db?password=x", environment: [:]) }
    let defaults = try PostgresURL("postgresql://u@h", environment: ["PGPASSWORD": "from-env"])
    #expect(defaults.port == 5432 && defaults.database == "u" && defaults.sslMode == .prefer && defaults.password == "from-env")
  }

  @Test func thePasswordFileIsReadOnlyWhenPrivate() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
    try "# comment\nother:5432:*:u:wrong\nh:5432:*:u:pa\\:ss\n".write(to: file, atomically: true, encoding: .utf8)
    chmod(file.path, 0o600)
    #expect(try PostgresURL("postgresql://u@h/db", environment: ["PGPASSFILE": file.path]).password == "pa:ss")
    chmod(file.path, 0o644)
    #expect(try PostgresURL("postgresql://u@h/db", environment: ["PGPASSFILE": file.path]).password == nil)
  }
}
