import FlowCore
import FlowTraining
import Foundation

/// Reads the body of an invocation into ``FeatureRows``, checking shape and types against the model's features.
///
/// Row numbers in messages are 1-based and count CSV lines (or JSON instances) as the client wrote them.
struct RequestDecoder: Sendable {
  /// The model's features, in order.
  let features: [FeatureSpec]
  private let featureIndex: [String: Int]

  /// Field texts read as missing values, as `CSVReader` reads them in training files.
  static let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null"]

  init(features: [FeatureSpec]) {
    self.features = features
    featureIndex = Dictionary(features.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// Decodes `body` given its media type (`text/csv` or `application/json`).
  /// - Throws: ``ServingError``: `unsupported-media-type`, `malformed-body`, `feature-count`, `non-numeric-value`.
  func decode(_ body: UnsafeRawBufferPointer, mediaType: MediaType) throws(ServingError) -> FeatureRows {
    switch mediaType {
    case .csv: return try decodeCSV(body.bindMemory(to: UInt8.self))
    case .json: return try decodeJSON(String(decoding: body.bindMemory(to: UInt8.self), as: UTF8.self))
    }
  }

  // MARK: CSV

  /// One row per line, no header, values in feature order. Fields may be double-quoted (`""` escapes a quote).
  func decodeCSV(_ bytes: UnsafeBufferPointer<UInt8>) throws(ServingError) -> FeatureRows {
    var rows = FeatureRows(width: features.count)
    rows.values.reserveCapacity(features.count)
    var scanner = CSVScanner(bytes: bytes)
    while scanner.startRecord() {
      let line = scanner.line
      let before = rows.values.count
      var fields = 0
      var last = false
      while !last {
        let field: UnsafeBufferPointer<UInt8>, quoted: Bool
        do { (field, quoted, last) = try scanner.nextField() } catch {
          throw ServingError(.malformedBody, "CSV row \(error.line): \(error.message)")
        }
        fields += 1
        if fields <= features.count { rows.values.append(Self.csvValue(quoted ? field : CSVScanner.trimmed(field))) }
      }
      guard fields == features.count else {
        rows.values.removeSubrange(before...)
        throw ServingError(.featureCount, "CSV row \(line) has \(fields) value\(fields == 1 ? "" : "s"); the model expects \(Self.describe(features))")
      }
      for offset in 0..<features.count {
        try check(rows.values[before + offset], feature: offset, row: line, kind: "CSV row")
      }
    }
    guard rows.count > 0 else { throw ServingError(.malformedBody, "the CSV body has no rows") }
    return rows
  }

  private static func csvValue(_ field: UnsafeBufferPointer<UInt8>) -> FeatureValue {
    if let number = NumberParser.parse(field) { return .number(number) }
    let text = String(decoding: field, as: UTF8.self)
    return missingMarkers.contains(text) ? .missing : .text(text)
  }

  // MARK: JSON

  /// `{"instances": [[...], ...]}` or `{"instances": [{"name": value, ...}, ...]}`; a bare array of instances is accepted too.
  func decodeJSON(_ text: String) throws(ServingError) -> FeatureRows {
    let document: JSONValue
    do { document = try JSONValue(parsing: text) } catch {
      throw ServingError(.malformedBody, "the body is not valid JSON: \(error)")
    }
    let instances: [JSONValue]
    switch document {
    case .array(let array): instances = array
    case .object(let object):
      guard let value = object["instances"] else {
        throw ServingError(.malformedBody, "the JSON body has no \"instances\" array (expected {\"instances\": [[...], ...]})")
      }
      guard case .array(let array) = value else {
        throw ServingError(.malformedBody, "\"instances\" is \(value.typeName), expected an array of rows")
      }
      instances = array
    default:
      throw ServingError(.malformedBody, "the JSON body is \(document.typeName), expected {\"instances\": [[...], ...]}")
    }
    guard !instances.isEmpty else { throw ServingError(.malformedBody, "\"instances\" is empty") }
    var rows = FeatureRows(width: features.count)
    rows.values.reserveCapacity(instances.count * features.count)
    for (number, instance) in zip(1..., instances) {
      switch instance {
      case .array(let values):
        guard values.count == features.count else {
          throw ServingError(.featureCount, "instance \(number) has \(values.count) value\(values.count == 1 ? "" : "s"); the model expects \(Self.describe(features))")
        }
        for (offset, value) in values.enumerated() {
          let decoded = try jsonValue(value, feature: offset, instance: number)
          try check(decoded, feature: offset, row: number, kind: "instance")
          rows.values.append(decoded)
        }
      case .object(let object):
        var row = [FeatureValue?](repeating: nil, count: features.count)
        for (key, value) in object {
          guard let offset = featureIndex[key] else {
            throw ServingError(.featureCount, "instance \(number) has an unknown feature '\(key)'; the model expects \(Self.describe(features))")
          }
          let decoded = try jsonValue(value, feature: offset, instance: number)
          try check(decoded, feature: offset, row: number, kind: "instance")
          row[offset] = decoded
        }
        if let missing = row.firstIndex(where: { $0 == nil }) {
          throw ServingError(.featureCount, "instance \(number) has no value for feature '\(features[missing].name)' (use null for a missing value)")
        }
        rows.values.append(contentsOf: row.map { $0! })
      default:
        throw ServingError(.malformedBody, "instance \(number) is \(instance.typeName), expected an array of values or an object by feature name")
      }
    }
    return rows
  }

  private func jsonValue(_ value: JSONValue, feature: Int, instance: Int) throws(ServingError) -> FeatureValue {
    switch value {
    case .int(let v): return .number(Double(v))
    case .double(let v):
      // `1e999` parses to infinity; a model given ±inf answers something meaningless, so refuse it as CSV does.
      guard v.isFinite else {
        throw ServingError(.nonNumericValue, "instance \(instance), feature '\(features[feature].name)': the number is out of range (not finite)")
      }
      return .number(v)
    case .string(let v): return .text(v)
    case .null: return .missing
    default:
      throw ServingError(.nonNumericValue, "instance \(instance), feature '\(features[feature].name)': \(value.typeName) is not a number or a category")
    }
  }

  /// Text is only allowed in categorical features.
  private func check(_ value: FeatureValue, feature: Int, row: Int, kind: String) throws(ServingError) {
    guard case .text(let text) = value, features[feature].type == .numeric else { return }
    throw ServingError(.nonNumericValue, "\(kind) \(row), feature '\(features[feature].name)': '\(text.prefix(40))' is not a number")
  }

  static func describe(_ features: [FeatureSpec]) -> String {
    let names = features.prefix(4).map(\.name).joined(separator: ", ")
    return "\(features.count) feature\(features.count == 1 ? "" : "s") (\(names)\(features.count > 4 ? ", …" : ""))"
  }
}

/// The request body's kind, from its `Content-Type`.
enum MediaType: Sendable {
  case csv, json

  /// Parses a `Content-Type` header (parameters such as `charset` are ignored).
  /// - Throws: ``ServingError`` (`unsupported-media-type`).
  init(contentType: String?) throws(ServingError) {
    let essence = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
    switch essence {
    case "text/csv", "application/csv": self = .csv
    case "application/json": self = .json
    case "":
      throw ServingError(.unsupportedMediaType, "the request has no Content-Type; use text/csv or application/json")
    default:
      throw ServingError(.unsupportedMediaType, "unsupported Content-Type '\(essence)'; use text/csv or application/json")
    }
  }
}
