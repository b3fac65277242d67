import Foundation

/// Writes predictions as the invocation response (JSON or CSV) and as data-capture records.
enum ResponseEncoding {
  /// The `predictions` array, for example `[{"label":"3","probabilities":{"0":0.01,…}}]` or `[{"value":2.5}]`.
  static func predictionsJSON(_ output: ModelOutput, model: LoadedModel) -> String {
    var out = "["
    switch output {
    case .classes(let labels, let probabilities):
      let names = model.jsonClassLabels
      out.reserveCapacity(labels.count * (16 + names.count * 28))
      for (row, label) in labels.enumerated() {
        if row > 0 { out += "," }
        out += "{\"label\":"
        out += names[label]
        out += ",\"probabilities\":{"
        for k in 0..<probabilities.columns {
          if k > 0 { out += "," }
          out += names[k]
          out += ":"
          out += JSONText.number(probabilities[row, k])
        }
        out += "}}"
      }
    case .values(let values):
      for (row, value) in values.enumerated() {
        if row > 0 { out += "," }
        out += "{\"value\":"
        out += JSONText.number(value)
        out += "}"
      }
    }
    out += "]"
    return out
  }

  /// The whole JSON response body around an already written `predictions` array.
  static func responseJSON(predictions: String, model: LoadedModel) -> String {
    "{\"predictions\":\(predictions),\"model\":\(JSONText.quoted(model.target.modelName)),\"version\":\(JSONText.quoted(model.target.version))}"
  }

  /// One line per row: the label (classification) or the value (regression).
  static func csv(_ output: ModelOutput, model: LoadedModel) -> String {
    var out = ""
    switch output {
    case .classes(let labels, _):
      let classes = model.artifact.target.classes ?? []
      for label in labels {
        out += csvField(classes[label])
        out += "\n"
      }
    case .values(let values):
      for value in values {
        out += value.isFinite ? JSONText.number(value) : ""
        out += "\n"
      }
    }
    return out
  }

  /// The request's rows as a JSON array of arrays (numbers, strings, `null`), for data capture.
  static func featuresJSON(_ rows: FeatureRows) -> String {
    var out = "["
    for row in 0..<rows.count {
      if row > 0 { out += "," }
      out += "["
      for (offset, value) in rows.row(row).enumerated() {
        if offset > 0 { out += "," }
        switch value {
        case .number(let v): out += JSONText.number(v)
        case .text(let t): out += JSONText.quoted(t)
        case .missing: out += "null"
        }
      }
      out += "]"
    }
    out += "]"
    return out
  }

  private static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
