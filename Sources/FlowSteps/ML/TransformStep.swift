import FlowCore
import FlowTraining
import Foundation

/// `flow:transform`: batch predictions (SageMaker's batch transform) from a CSV file to a CSV file.
///
/// Parameters: the model — `Model` (the output of `flow:train`, `flow:tune`'s `best`, or a path), or `ModelName` with
/// `Version` or `Alias`, or `EndpointName` (the version it serves); `Input` (a CSV file with the model's feature
/// columns, by name; others are ignored, required); `Output` (a CSV path inside the project or a directory of
/// `FLOW_ALLOWED_OUTPUT_DIRS`, else `Transform.OutputNotAllowed`; default: a content-addressed artifact);
/// `IncludeInput` (default `false`: copy the input columns in front), `Probabilities` (default `false`: add a
/// `probability_CLASS` column per class).
///
/// The output has a `prediction` column (the class label, or the value for regression). Output: `{"output": {"path",
/// "sha256", "bytes"}, "rows", "model", "predictionCounts": {label: count}}`.
public struct TransformStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["Model", "ModelName", "Version", "Alias", "EndpointName", "Input", "Output", "IncludeInput", "Probabilities"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Transform", known: Self.fields)
    let modelPath = try resolveModel(parameters)
    let inputPath = try parameters.string("Input")
    let localInput = try environment.readablePath(inputPath, what: "data set", step: "Transform")
    let artifact = try mapTrainingErrors("Transform", file: modelPath) { try ModelArtifact.load(contentsOfFile: modelPath) }
    let rows = try environment.readCSV(localInput, step: "Transform")
    let includeInput = try parameters.bool("IncludeInput", default: false)
    let probabilities = try parameters.bool("Probabilities", default: false)
    let predictions = try await blockingWork {
      try mapTrainingErrors("Transform", file: inputPath) { try artifact.predict(rows) }
    }

    var columns: [Column] = includeInput ? rows.columns : []
    var counts: [String: Int] = [:]
    if let labels = predictions.labels {
      columns.append(.categorical("prediction", labels))
      for label in labels { counts[label, default: 0] += 1 }
      if probabilities, let matrix = predictions.probabilities, let classes = artifact.target.classes {
        for (c, label) in classes.enumerated() { columns.append(.numeric("probability_\(label)", matrix.column(c))) }
      }
    } else if let values = predictions.values {
      columns.append(.numeric("prediction", values))
    }
    let text = CSVWriter.text(of: try mapTrainingErrors("Transform") { try Dataset(columns: columns) })
    let modelHash = environment.artifacts.hash(ofFileAt: modelPath) ?? modelPath
    let inputHash = environment.artifacts.hash(ofFileAt: localInput) ?? inputPath
    var reference: JSONValue
    if let outputPath = try parameters.optionalString("Output") {
      try environment.checkOutput(outputPath, step: "Transform")
      do {
        let url = URL(fileURLWithPath: outputPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
      } catch {
        throw StepFailure("Transform.WriteFailed", cause: "cannot write \(outputPath): \(FileErrorReason.reason(for: error, path: outputPath, writing: true))")
      }
      let hash = HashAlgorithm.sha256.hexDigest(Data(text.utf8))
      // Kept in the store too (PostgreSQL), so a step on another host that is given this file's hash can fetch it.
      do { try environment.blobs?.putBlob(hash: hash, from: URL(fileURLWithPath: outputPath)) } catch {
        throw StepFailure("Transform.WriteFailed", cause: "cannot store \(outputPath) in the store's artifacts: \(error)")
      }
      try? environment.catalog.recordArtifact(ArtifactRecord(
        hash: hash, path: URL(fileURLWithPath: outputPath).standardizedFileURL.path, kind: "predictions", bytes: text.utf8.count,
        executionId: context.executionId, stateName: context.stateName, inputs: [modelHash, inputHash]))
      reference = ["path": .string(outputPath), "sha256": .string(hash), "bytes": .int(text.utf8.count)]
    } else {
      reference = try environment.artifacts.store(Data(text.utf8), ext: "csv", kind: "predictions", inputs: [modelHash, inputHash],
                                                  context: context).json
    }
    context.logger.info("\(context.stateName): predicted \(rows.rowCount) rows of \(inputPath) → \(reference["path"]!.stringValue!)")
    var countsJSON = JSONObject()
    for key in counts.keys.sorted() { countsJSON[key] = .int(counts[key]!) }
    return ["output": reference, "rows": .int(rows.rowCount), "model": .string(modelHash), "predictionCounts": .object(countsJSON)]
  }

  private func resolveModel(_ parameters: StepParameters) throws -> String {
    if let value = parameters["Model"] {
      let model = try ModelReference(value, step: "Transform")
      return try environment.localModelPath(model.path, hash: model.sha256, step: "Transform")
    }
    let registry = environment.registry
    if let endpoint = try parameters.optionalString("EndpointName") {
      guard let record = try registryCall({ try registry.endpoint(endpoint) }) else {
        throw StepFailure("Registry.Failed", cause: "no endpoint named '\(endpoint)'")
      }
      return try environment.localModelPath(record.current.artifactPath, step: "Transform")
    }
    guard let name = try parameters.optionalString("ModelName") else {
      throw parameters.invalid("give 'Model', 'ModelName' with 'Version' or 'Alias', or 'EndpointName'")
    }
    if parameters["Version"] != nil {
      let version = try parameters.int("Version", default: 0, min: 1)
      guard let record = try registryCall({ try registry.modelVersion(name, version: version) }) else {
        throw StepFailure("Registry.Failed", cause: "model '\(name)' has no version \(version)")
      }
      return try environment.localModelPath(record.artifactPath, hash: record.draft.artifactHash, step: "Transform")
    }
    let alias = try parameters.optionalString("Alias") ?? "production"
    guard let record = try registryCall({ try registry.modelVersion(name, alias: alias) }) else {
      throw StepFailure("Registry.Failed", cause: "model '\(name)' has no alias '\(alias)'")
    }
    return try environment.localModelPath(record.artifactPath, hash: record.draft.artifactHash, step: "Transform")
  }
}
