import FlowCore
import FlowTraining
import Foundation

/// `flow:monitor`: compares recent data with the training baseline, feature by feature, and gives a verdict a
/// Choice state can test (`$.drift.detected` with `ResultPath: $.drift`).
///
/// The current data is either what `flow serve` captured for an endpoint (`EndpointName`: every
/// `CAPTURE/ENDPOINT/*.jsonl` file, each line with `"features": [[…], …]` rows in the model's feature order) or a
/// CSV file (`DataPath`, with the feature columns by name). The baseline is `Baseline` (a path, or `flow:process`'s
/// `baseline` output), or else found through the registry: the baseline produced by the execution that registered
/// the model the endpoint serves.
///
/// A numeric feature drifts when its population stability index exceeds `PSIThreshold` (default 0.2) *and* the
/// Kolmogorov–Smirnov test says the samples differ at `KSAlpha` (default 0.01). A categorical feature drifts when
/// its PSI over categories (the training categories plus one bucket for new ones) exceeds `PSIThreshold` *and* a
/// chi-squared test of the category counts has a p-value below `KSAlpha`. Drift is detected when at least
/// `DriftShare` (default 0.1) of the features drift. With fewer than `MinRows` (default 30) rows there is no verdict
/// (`detected: false` with a `reason`).
///
/// Other parameters: `CaptureDirectory` (default: the store's `capture/`), `MaxRows` (the most recent rows used,
/// default 10000). Output: `{"detected", "reason", "rows", "referenceRows", "featureCount", "driftedFeatures",
/// "share", "threshold", "maxPSI", "meanPSI", "maxKS", "features": [the ten most drifted features: {"name", "kind",
/// "psi", "ks", "ksCritical"} for numeric ones, {"name", "kind", "psi", "chiSquared", "pValue"} for categorical ones],
/// "source", "baseline", "report"}`. Errors: `Monitor.NoBaseline`, `Monitor.NoData`,
/// `Monitor.InvalidCapture`.
public struct MonitorStep: Step {
  let environment: MLEnvironment

  public init(environment: MLEnvironment) { self.environment = environment }

  static let fields = ["Baseline", "EndpointName", "DataPath", "CaptureDirectory", "PSIThreshold", "KSAlpha", "DriftShare",
                       "MinRows", "MaxRows"]

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let parameters = try StepParameters(input, step: "Monitor", known: Self.fields)
    let endpoint = try parameters.optionalString("EndpointName")
    let psiThreshold = try parameters.double("PSIThreshold", default: 0.2, in: 0...100)
    let alpha = try parameters.double("KSAlpha", default: 0.01, in: 1e-12...0.5)
    let share = try parameters.double("DriftShare", default: 0.1, in: 0...1)
    let minRows = try parameters.int("MinRows", default: 30, min: 1)
    let maxRows = try parameters.int("MaxRows", default: 10_000, min: 1)

    let baselinePath = try baselinePath(parameters, endpoint: endpoint)
    let baseline: Baseline
    let baselineData: Data
    let localBaseline = try environment.readablePath(baselinePath, what: "baseline", step: "Monitor")
    do { baselineData = try Data(contentsOf: URL(fileURLWithPath: localBaseline)) } catch {
      throw StepFailure("Monitor.NoBaseline", cause: "cannot read the baseline \(baselinePath): \(FileErrorReason.reason(for: error, path: baselinePath))")
    }
    do { baseline = try JSONDecoder().decode(Baseline.self, from: baselineData) } catch {
      throw StepFailure("Monitor.NoBaseline", cause: "\(baselinePath) is not a flow:process baseline (written by flow:process, with 'format': 'flow-baseline')")
    }
    let reference = try environment.readCSV(baseline.reference.path, hash: baseline.reference.sha256, step: "Monitor")

    var current: [[MonitoredValue]]
    let source: String
    if let path = try parameters.optionalString("DataPath") {
      let data = try environment.readCSV(path, step: "Monitor")
      current = try baseline.features.map { name in
        let column = try mapTrainingErrors("Monitor", file: path, { try data.column(named: name) })
        switch column.values {
        case .numeric(let values): return values.map { $0.map(MonitoredValue.number) ?? .missing }
        case .categorical(let values): return values.map { $0.map(MonitoredValue.text) ?? .missing }
        }
      }
      source = path
    } else if let endpoint {
      let directory = try parameters.optionalString("CaptureDirectory").map { URL(fileURLWithPath: $0) } ?? environment.captureDirectory
      let (rows, files) = try Self.capturedRows(directory.appendingPathComponent(endpoint), featureCount: baseline.features.count,
                                                maxRows: maxRows, context: context)
      current = baseline.features.indices.map { f in rows.map { $0[f] } }
      source = "capture of endpoint '\(endpoint)' (\(files) file(s) in \(directory.appendingPathComponent(endpoint).path))"
    } else {
      throw parameters.invalid("give 'EndpointName' (to read its captured requests) or 'DataPath' (a CSV file)")
    }
    let rowCount = current.first?.count ?? 0
    if rowCount > maxRows { current = current.map { Array($0.suffix(maxRows)) } }
    let used = min(rowCount, maxRows)

    var output: JSONObject = ["rows": .int(used), "referenceRows": .int(reference.rowCount), "source": .string(source),
                              "baseline": .string(baselinePath), "threshold": .double(share), "psiThreshold": .double(psiThreshold),
                              "ksAlpha": .double(alpha)]
    guard used >= minRows else {
      output["detected"] = false
      output["reason"] = .string("only \(used) row(s) to compare, fewer than MinRows (\(minRows)): no verdict")
      context.logger.info("\(context.stateName): \(output["reason"]!.stringValue!)")
      return .object(output)
    }

    var all: [JSONValue] = [], drifted: [JSONValue] = []
    var psis: [Double] = [], kss: [Double] = []
    for (f, name) in baseline.features.enumerated() {
      guard let referenceColumn = try? reference.column(named: name) else { continue }
      let referenceValues: [Double]
      switch referenceColumn.values {
      case .numeric(let values): referenceValues = values.compactMap { $0 }
      case .categorical(let values):
        let categories = values.compactMap { $0 }, currentCategories = current[f].compactMap(\.category)
        let psi = DriftStatistics.categoricalPSI(reference: categories, current: currentCategories)
        let (chi2, pValue) = DriftStatistics.chiSquared(reference: categories, current: currentCategories)
        let isDrifted = psi > psiThreshold && pValue < alpha
        psis.append(psi)
        let entry: JSONValue = ["name": .string(name), "kind": "categorical", "psi": .double(Self.round(psi)),
                                "chiSquared": .double(Self.round(chi2)), "pValue": .double(pValue), "drifted": .bool(isDrifted)]
        all.append(entry)
        if isDrifted { drifted.append(entry) }
        continue
      }
      let currentValues = current[f].compactMap(\.number)
      let psi = DriftStatistics.psi(reference: referenceValues, current: currentValues)
      let ks = DriftStatistics.ks(reference: referenceValues, current: currentValues)
      let critical = DriftStatistics.ksCritical(alpha: alpha, n: referenceValues.count, m: currentValues.count)
      let isDrifted = psi > psiThreshold && ks > critical
      psis.append(psi)
      kss.append(ks)
      let entry: JSONValue = ["name": .string(name), "kind": "numeric", "psi": .double(Self.round(psi)), "ks": .double(Self.round(ks)),
                              "ksCritical": .double(Self.round(critical)), "drifted": .bool(isDrifted)]
      all.append(entry)
      if isDrifted { drifted.append(entry) }
    }
    let featureShare = all.isEmpty ? 0 : Double(drifted.count) / Double(all.count)
    let detected = !all.isEmpty && featureShare >= share && !drifted.isEmpty
    output["detected"] = .bool(detected)
    output["reason"] = .string("\(drifted.count) of \(all.count) features drift (PSI > \(psiThreshold) and KS or chi-squared significant at \(alpha)); "
                               + "drift is detected at \(Int((share * 100).rounded())) %")
    output["featureCount"] = .int(all.count)
    output["driftedFeatures"] = .int(drifted.count)
    output["share"] = .double(Self.round(featureShare))
    output["maxPSI"] = .double(Self.round(psis.max() ?? 0))
    output["meanPSI"] = .double(Self.round(psis.isEmpty ? 0 : psis.reduce(0, +) / Double(psis.count)))
    output["maxKS"] = .double(Self.round(kss.max() ?? 0))
    // The ten most drifted features; the report artifact has every feature.
    output["features"] = .array(Array(drifted.sorted { ($0["psi"]?.doubleValue ?? 0) > ($1["psi"]?.doubleValue ?? 0) }.prefix(10)))
    var report = output
    report["features"] = .array(all)
    let stored = try environment.artifacts.store(Data(JSONValue.object(report).serialized(sortedKeys: true).utf8), ext: "json",
                                                 kind: "drift-report", inputs: [baseline.reference.sha256], context: context)
    output["report"] = stored.json
    context.logger.info("\(context.stateName): \(used) rows vs \(reference.rowCount) training rows: \(output["reason"]!.stringValue!) → \(detected ? "DRIFT" : "no drift")")
    return .object(output)
  }

  private func baselinePath(_ parameters: StepParameters, endpoint: String?) throws -> String {
    if let value = parameters["Baseline"] {
      switch value {
      case .string(let path): return path
      case .object(let object):
        if let path = object["path"]?.stringValue ?? object["baseline"]?["path"]?.stringValue { return path }
      default: break
      }
      throw parameters.invalid("'Baseline' must be a path or flow:process's baseline output, got \(value)")
    }
    guard let endpoint else {
      throw StepFailure("Monitor.NoBaseline", cause: "give 'Baseline', or 'EndpointName' to use the baseline of the model it serves")
    }
    let registry = environment.registry
    guard let served = try registryCall({ try registry.endpoint(endpoint) }) else {
      throw StepFailure("Monitor.NoBaseline", cause: "no endpoint named '\(endpoint)' (deploy a model first, or give 'Baseline')")
    }
    guard let version = try registryCall({ try registry.modelVersion(served.current.modelName, version: served.current.version) }),
          let execution = version.draft.executionId else {
      throw StepFailure("Monitor.NoBaseline", cause: "\(served.current.modelName) v\(served.current.version) was not registered by a pipeline; give 'Baseline'")
    }
    guard let baseline = try environment.catalog.artifacts(producedBy: execution).last(where: { $0.kind == "baseline" }) else {
      throw StepFailure("Monitor.NoBaseline", cause: "execution \(execution), which registered \(served.current.modelName) v\(served.current.version), produced no baseline; give 'Baseline'")
    }
    return baseline.path
  }

  /// The rows of every `*.jsonl` file in `directory` (oldest file first), at most `maxRows` of the newest.
  static func capturedRows(_ directory: URL, featureCount: Int, maxRows: Int,
                           context: StepContext) throws -> (rows: [[MonitoredValue]], files: Int) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".jsonl") }.sorted() ?? []
    guard !names.isEmpty else {
      throw StepFailure("Monitor.NoData", cause: "no captured data: \(directory.path) has no .jsonl files (is data capture on in flow serve?)")
    }
    var rows: [[MonitoredValue]] = []
    var skipped = 0
    for name in names {
      let path = directory.appendingPathComponent(name).path
      let text: String
      do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw StepFailure("Monitor.InvalidCapture", cause: "cannot read \(path): \(FileErrorReason.reason(for: error, path: path))")
      }
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
        // A line still being written (no newline yet) may be cut: skip what doesn't parse.
        guard let record = try? JSONValue(parsing: String(line)), let batch = record["features"]?.arrayValue else {
          skipped += 1
          continue
        }
        for row in batch {
          guard let values = row.arrayValue, values.count == featureCount else {
            skipped += 1
            context.logger.debug("\(path):\(index + 1): a row without \(featureCount) features")
            continue
          }
          rows.append(values.map(MonitoredValue.init(json:)))
        }
      }
    }
    if skipped > 0 { context.logger.info("\(context.stateName): skipped \(skipped) captured line(s) or row(s) that did not parse or had the wrong width") }
    return (Array(rows.suffix(maxRows)), names.count)
  }

  static func round(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// One value of a feature in the monitored data: a number, a category, or missing.
enum MonitoredValue: Sendable, Equatable {
  case number(Double)
  case text(String)
  case missing

  init(json: JSONValue) {
    if let number = json.doubleValue { self = .number(number) }
    else if let text = json.stringValue { self = .text(text) }
    else { self = .missing }
  }

  var number: Double? { if case .number(let v) = self { v } else { nil } }

  /// As a category: text as is, a number as the CSV reader would print it (`3`, not `3.0`).
  var category: String? {
    switch self {
    case .text(let v): v
    case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    case .missing: nil
    }
  }
}
