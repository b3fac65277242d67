// swift-tools-version: 6.2
import PackageDescription

let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
  name: "flow",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "flow", targets: ["flow"]),
    .library(name: "FlowTraining", targets: ["FlowTraining"]),
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .target(name: "FlowCore", dependencies: [
      .product(name: "Logging", package: "swift-log"),
      .product(name: "OrderedCollections", package: "swift-collections"),
      .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: settings),
    .target(name: "FlowExpressions", dependencies: ["FlowCore"], swiftSettings: settings),
    .target(name: "FlowJSONata", dependencies: [
      "FlowCore",
    ], swiftSettings: settings),
    .target(name: "FlowDefinition", dependencies: ["FlowCore", "FlowExpressions", "FlowJSONata", "FlowScheduler", "Yams"], swiftSettings: settings),
    .target(name: "FlowStore", dependencies: ["FlowCore", "CSQLite"], swiftSettings: settings),
    // The PostgreSQL store: the same protocols as FlowStore's SQLiteStore, for a team sharing one server.
    .target(name: "FlowPostgres", dependencies: [
      "FlowCore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: settings),
    .target(name: "FlowExecutor", dependencies: ["FlowCore", "FlowExpressions", "FlowJSONata", "FlowDefinition", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
    .target(name: "FlowSteps", dependencies: ["FlowCore", "FlowTraining", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
    .target(name: "FlowTraining", dependencies: ["FlowCore"], exclude: ["ARTIFACTS.md"], swiftSettings: settings),
    // What both HTTP servers share: the channel handler that guards connections (slow clients, idle ones, the cap).
    .target(name: "FlowHTTP", dependencies: [
      "FlowCore", .product(name: "Hummingbird", package: "hummingbird"),
      // Hummingbird's own transport, for the channel handler that guards connections (ConnectionGuard).
      .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
      .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
    ], swiftSettings: settings),
    .target(name: "FlowServing", dependencies: [
      "FlowCore", "FlowTraining", "FlowHTTP", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
      .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      .product(name: "NIOCore", package: "swift-nio"),
    ], swiftSettings: settings),
    // `flow server`: the Step Functions API (AWS JSON 1.0, SigV4) over the store and the executor.
    .target(name: "FlowServer", dependencies: [
      "FlowCore", "FlowDefinition", "FlowExecutor", "FlowStore", "FlowHTTP", "FlowScheduler",
      .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
      .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Crypto", package: "swift-crypto"),
      .product(name: "NIOCore", package: "swift-nio"),
    ], swiftSettings: settings),
    .target(name: "FlowScheduler", dependencies: ["FlowCore"], swiftSettings: settings),
    .target(name: "FlowCommands", dependencies: [
      "FlowCore", "FlowDefinition", "FlowExecutor", "FlowStore", "FlowPostgres", "FlowSteps", "FlowScheduler", "FlowServing", "FlowServer",
      "FlowExpressions", "FlowJSONata",
      .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: settings),
    // Test-only helpers: an in-memory store, a manual clock, scripted steps, the `flow` binary and temporary folders.
    .target(name: "FlowTesting", dependencies: ["FlowCore", "FlowExecutor"], swiftSettings: settings),
    .executableTarget(name: "flow", dependencies: ["FlowCommands"], swiftSettings: settings),
    .executableTarget(name: "flow-bench", dependencies: ["FlowCore", "FlowDefinition", "FlowExecutor", "FlowStore", "FlowSteps"], swiftSettings: settings),
    .executableTarget(name: "flow-jsonata-bench", dependencies: ["FlowCore", "FlowJSONata"], swiftSettings: settings),
    .executableTarget(name: "flow-train-bench", dependencies: ["FlowCore", "FlowTraining"], swiftSettings: settings),

    .testTarget(name: "FlowJSONataTests", dependencies: ["FlowJSONata"], resources: [.copy("Fixtures")], swiftSettings: settings),
    .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore"], swiftSettings: settings),
    .testTarget(name: "FlowExpressionsTests", dependencies: ["FlowExpressions"], resources: [.copy("Fixtures")], swiftSettings: settings),
    .testTarget(name: "FlowDefinitionTests", dependencies: ["FlowDefinition"], resources: [.copy("Fixtures")], swiftSettings: settings),
    .testTarget(name: "FlowStoreTests", dependencies: ["FlowStore", "FlowPostgres", "FlowTesting"], swiftSettings: settings),
    .testTarget(name: "FlowExecutorTests", dependencies: ["FlowExecutor", "FlowStore", "FlowSteps", "FlowTesting"], swiftSettings: settings),
    .testTarget(name: "FlowSchedulerTests", dependencies: ["FlowScheduler"], swiftSettings: settings),
    .testTarget(name: "FlowServingTests", dependencies: ["FlowServing", "FlowTesting"], swiftSettings: settings),
    .testTarget(name: "FlowServerTests", dependencies: ["FlowServer", "FlowStore", "FlowTesting"], swiftSettings: settings),
    .testTarget(name: "FlowStepsTests", dependencies: [
      "FlowSteps", "FlowStore", "FlowTraining", .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: settings),
    .testTarget(name: "FlowTrainingTests", dependencies: ["FlowTraining"], swiftSettings: settings),
    .testTarget(name: "FlowIntegrationTests", dependencies: ["flow", "FlowCommands", "FlowTesting"], resources: [.copy("Fixtures")], swiftSettings: settings),
  ]
)
