import FlowCore
import FlowTesting
import Foundation
import Testing

/// Secrets by reference, file permissions, paths that must stay in the project, and the one rule for relative paths
/// (issue 9, items 12, 13 and 21), through the built binary.
@Suite struct SecretsAndPathsTests {
  let directory: URL
  init() throws { directory = try temporaryDirectory("flow-secrets") }

  static let secret = "s3cr3t-VALUE-4242"

  func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws -> FlowBinary.Result {
    try FlowBinary.run(arguments, in: folder ?? directory, environment: environment)
  }

  /// Every byte under `folder`, as text, to look for a secret in.
  func everything(under folder: URL) -> String {
    var text = ""
    let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
    while let url = files?.nextObject() as? URL {
      if let data = try? Data(contentsOf: url) { text += String(decoding: data, as: UTF8.self) }
    }
    return text
  }

  func mode(_ url: URL) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }

  static let secretPipeline = """
    StartAt: Call
    States:
      Call:
        Type: Task
        Resource: flow:exec
        Parameters:
          Command: [/bin/sh, -c, 'echo "using key $API_KEY" >&2; printf "{\\"length\\": %s, \\"echo\\": \\"%s\\"}" ${#API_KEY} "$API_KEY"']
          Env:
            API_KEY: {Secret: api-key}
        End: true
    """

  @Test func secretReference_isResolvedForTheStepOnly_andNeverStoredOrLogged() throws {
    try directory.write(Self.secretPipeline, to: "p.yaml")
    let result = try run(["run", "p.yaml", "--json"], environment: ["FLOW_SECRET_API_KEY": Self.secret])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(result.json)
    #expect(json["output"]?["length"] == .int(Self.secret.count), "the step saw the resolved value")
    #expect(json["output"]?["echo"] == "***", "the value is masked in the step's output")
    let id = try #require(json["executionId"]?.stringValue)
    let history = try run(["history", id, "--json"]).stdout
    #expect(history.contains("api-key"), "the history keeps the reference")
    #expect(!history.contains(Self.secret))
    #expect(!result.stdout.contains(Self.secret) && !result.stderr.contains(Self.secret))
    let flow = directory.appendingPathComponent(".flow")
    #expect(!everything(under: flow).contains(Self.secret), "the store, logs and artifacts never hold the value")
    #expect(everything(under: flow.appendingPathComponent("artifacts")).contains("using key ***"), "stderr log is masked")
    // Created for the user only.
    #expect(try mode(flow) == 0o700)
    #expect(try mode(flow.appendingPathComponent("flow.db")) == 0o600)
    let log = try #require(FileManager.default.enumerator(at: flow.appendingPathComponent("artifacts"), includingPropertiesForKeys: nil)?
      .compactMap { $0 as? URL }.first { $0.lastPathComponent == "stderr-1.log" })
    #expect(try mode(log) == 0o600)
    #expect(try mode(log.deletingLastPathComponent()) == 0o700)
  }

  @Test func secretsFile_isUsedWhenPrivate_andRefusedWhenOthersCanReadIt() throws {
    try directory.write(Self.secretPipeline, to: "p.yaml")
    let file = directory.appendingPathComponent("secrets.json")
    try directory.write("{\"api-key\": \"\(Self.secret)\"}", to: "secrets.json")
    chmod(file.path, 0o644)
    let refused = try run(["run", "p.yaml", "--json"], environment: ["FLOW_SECRETS_FILE": file.path])
    #expect(refused.json?["status"] == "FAILED")
    #expect(refused.json?["error"] == "Flow.SecretsFileInsecure", "\(refused.stdout)")
    chmod(file.path, 0o600)
    let used = try run(["run", "p.yaml", "--json"], environment: ["FLOW_SECRETS_FILE": file.path])
    #expect(used.json?["output"]?["length"] == .int(Self.secret.count), "\(used.stdout) \(used.stderr)")
    let missing = try run(["run", "p.yaml", "--json"])
    #expect(missing.json?["error"] == "Flow.SecretNotFound")
  }

  @Test func validate_warnsAboutLiteralCredentials() throws {
    try directory.write("""
      StartAt: Call
      States:
        Call:
          Type: Task
          Resource: flow:exec
          Parameters:
            Command: [env]
            Env: {DB_PASSWORD: hunter2, API_TOKEN: {Secret: token}, 'USER_TOKEN.$': $.token}
          End: true
      """, to: "p.yaml")
    let result = try run(["validate", "p.yaml"])
    let text = result.stdout + result.stderr
    #expect(result.status == 0)
    #expect(text.contains("[literal-secret]") && text.contains("DB_PASSWORD"), "\(text)")
    #expect(text.components(separatedBy: "[literal-secret]").count == 2, "only the literal is reported: \(text)")
  }

  @Test(arguments: ["../../../../tmp/flow-escape-\(UUID().uuidString)", "..", ".hidden", "a/b"])
  func hostileStateName_staysInsideTheArtifactsDirectory(name: String) throws {
    try directory.write("""
      StartAt: '\(name)'
      States:
        '\(name)':
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [/bin/sh, -c, 'echo hi >&2; echo hi > "$FLOW_ARTIFACTS_DIR/out.txt"; echo "{}"']}
          End: true
      """, to: "p.yaml")
    let result = try run(["run", "p.yaml", "--json"])
    #expect(result.json?["status"] == "SUCCEEDED", "\(result.stdout) \(result.stderr)")
    let artifacts = directory.appendingPathComponent(".flow/artifacts").standardizedFileURL.path
    let written = (FileManager.default.enumerator(atPath: artifacts)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix("out.txt") || $0.hasSuffix("stderr-1.log") }
    #expect(written.count == 2, "both files are under .flow/artifacts: \(written)")
    for file in written {
      let url = URL(fileURLWithPath: artifacts).appendingPathComponent(file).standardizedFileURL
      #expect(url.path.hasPrefix(artifacts + "/"))
      #expect(url.pathComponents.count == URL(fileURLWithPath: artifacts).pathComponents.count + 3, "ID/STATE/FILE: \(file)")
    }
    if name.contains("flow-escape") {
      #expect(!FileManager.default.fileExists(atPath: "/tmp/" + name.split(separator: "/").last!), "nothing written outside")
    }
  }

  func writeTrainingData() throws {
    var train = "a,b,y\n", new = "a,b\n"
    for i in 0..<20 {
      let x = Double(i % 10), label = i % 2 == 0 ? "low" : "high"
      train += "\(label == "low" ? x : x + 20),\(x),\(label)\n"
      new += "\(x),\(x)\n"
    }
    try directory.write(train, to: "train.csv")
    try directory.write(new, to: "new.csv")
  }

  func transformPipeline(output: String) -> String {
    """
    StartAt: Train
    States:
      Train:
        Type: Task
        Resource: flow:train
        Parameters: {Dataset: {target: y, train: train.csv}, Algorithm: knn}
        ResultPath: $.model
        Next: Predict
      Predict:
        Type: Task
        Resource: flow:transform
        Parameters: {'Model.$': $.model, Input: new.csv, Output: '\(output)'}
        End: true
    """
  }

  @Test func transformOutput_outsideTheProject_isRefusedUnlessAllowed() throws {
    try writeTrainingData()
    let outside = try temporaryDirectory("flow-outside")
    let relative = "../" + outside.lastPathComponent + "/x.csv"
    try directory.write(transformPipeline(output: relative), to: "p.yaml")
    let refused = try run(["run", "p.yaml", "--json"])
    #expect(refused.json?["error"] == "Transform.OutputNotAllowed", "\(refused.stdout) \(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("x.csv").path))
    let allowed = try run(["run", "p.yaml", "--json"], environment: ["FLOW_ALLOWED_OUTPUT_DIRS": outside.path])
    #expect(allowed.json?["status"] == "SUCCEEDED", "\(allowed.stdout) \(allowed.stderr)")
    #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("x.csv").path))
    try directory.write(transformPipeline(output: "out/inside.csv"), to: "q.yaml")
    #expect(try run(["run", "q.yaml", "--json"]).json?["status"] == "SUCCEEDED")
  }

  @Test func runFromASubdirectory_usesTheProjectStore_andResolvesPathsFromTheProjectRoot() throws {
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("pipelines/deep"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
    try directory.write("[1, 2, 3]", to: "data/items.json")
    try directory.write("{\"from\": \"root\"}", to: "data/value.json")
    try directory.write("""
      StartAt: Read
      States:
        Read:
          Type: Task
          Resource: flow:exec
          Parameters: {Command: [cat, data/value.json]}
          ResultPath: $.value
          Next: Each
        Each:
          Type: Map
          ItemReader: {Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: {InputType: JSON}, Parameters: {Bucket: data, Key: items.json}}
          ItemProcessor:
            StartAt: Echo
            States: {Echo: {Type: Pass, End: true}}
          ResultPath: $.items
          End: true
      """, to: "pipelines/p.yaml")
    let first = try run(["run", "pipelines/p.yaml", "--json"])
    #expect(first.json?["status"] == "SUCCEEDED", "\(first.stdout) \(first.stderr)")
    let deep = directory.appendingPathComponent("pipelines/deep")
    let second = try run(["run", "../p.yaml", "--json"], in: deep)
    #expect(second.json?["status"] == "SUCCEEDED", "\(second.stdout) \(second.stderr)")
    #expect(second.json?["output"]?["value"]?["from"] == "root")
    #expect(second.json?["output"]?["items"] == [1, 2, 3])
    #expect(!FileManager.default.fileExists(atPath: deep.appendingPathComponent(".flow").path), "no second store")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pipelines/.flow").path))
    let ids = [first.json?["executionId"]?.stringValue, second.json?["executionId"]?.stringValue].compactMap { $0 }
    #expect(ids.count == 2)
    for id in ids {
      #expect(try run(["status", id], in: deep).status == 0, "both runs are in the one store, found from below")
      #expect(try run(["status", id]).status == 0)
    }
  }
}
