import Foundation
import Hummingbird

/// `GET /endpoints`: which model version each endpoint serves, and any load in progress or failed.
///
/// `{"default": "digits", "endpoints": [{"name": "digits", "model": "digits", "version": "3",
/// "artifact": "…", "loaded_at": "…", "pending": null, "error": null}]}`.
struct EndpointsRoute: Sendable {
  let table: ModelTable

  func respond() -> Response {
    var items: [String] = []
    for (name, status) in table.snapshot.sorted(by: { $0.key < $1.key }) {
      var fields = ["\"name\":\(JSONText.quoted(name))"]
      if let model = status.serving {
        fields.append("\"model\":\(JSONText.quoted(model.target.modelName))")
        fields.append("\"version\":\(JSONText.quoted(model.target.version))")
        fields.append("\"artifact\":\(JSONText.quoted(model.target.artifactPath))")
        fields.append("\"algorithm\":\(JSONText.quoted(model.artifact.algorithm.rawValue))")
        fields.append("\"loaded_at\":\"\(DataCapture.timestamps(model.loadedAt).time)\"")
      } else {
        fields.append(contentsOf: ["\"model\":null", "\"version\":null"])
      }
      if let pending = status.pending {
        fields.append("\"pending\":{\"model\":\(JSONText.quoted(pending.modelName)),\"version\":\(JSONText.quoted(pending.version))}")
      } else {
        fields.append("\"pending\":null")
      }
      fields.append("\"error\":" + (status.lastError.map(JSONText.quoted) ?? "null"))
      items.append("{" + fields.joined(separator: ",") + "}")
    }
    let defaultName = table.defaultEndpointName.map(JSONText.quoted) ?? "null"
    return Responses.json("{\"default\":\(defaultName),\"endpoints\":[\(items.joined(separator: ","))]}")
  }
}
