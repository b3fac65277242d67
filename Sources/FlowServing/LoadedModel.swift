import FlowTraining
import Foundation

/// A model artifact loaded for serving: the artifact plus what each request needs precomputed.
///
/// Immutable and shared by reference: a request holds on to the `LoadedModel` it started with, so a
/// hot swap never changes the model under a request in flight.
final class LoadedModel: Sendable {
  /// The endpoint it serves.
  let endpoint: String
  /// What it is.
  let target: EndpointTarget
  /// The artifact.
  let artifact: ModelArtifact
  /// Request decoding against the artifact's features.
  let decoder: RequestDecoder
  /// Preprocessing straight from request rows.
  let encoder: FeatureEncoder
  /// Class labels escaped once as JSON strings (classification).
  let jsonClassLabels: [String]
  /// When it was loaded.
  let loadedAt: Date

  init(endpoint: String, target: EndpointTarget, artifact: ModelArtifact) {
    self.endpoint = endpoint
    self.target = target
    self.artifact = artifact
    decoder = RequestDecoder(features: artifact.features)
    encoder = FeatureEncoder(artifact.preprocessing)
    jsonClassLabels = (artifact.target.classes ?? []).map(JSONText.quoted)
    loadedAt = Date()
  }

  /// Reads and prepares the artifact at `target.artifactPath`.
  /// - Throws: ``ServingError`` (`model-load`) wrapping the training module's error.
  static func load(endpoint: String, target: EndpointTarget) throws(ServingError) -> LoadedModel {
    do {
      return LoadedModel(endpoint: endpoint, target: target, artifact: try ModelArtifact.load(contentsOfFile: target.artifactPath))
    } catch {
      throw ServingError(.modelLoad, "can't load \(target) for endpoint '\(endpoint)'", underlying: "\(error)")
    }
  }

  /// Predicts for decoded rows: the same numbers as `ModelArtifact.predict` on the same rows.
  func predict(_ rows: FeatureRows) -> ModelOutput {
    let output = artifact.model.predict(encoder.encode(rows))
    switch artifact.task {
    case .classification: return .classes(output.argmaxRows(), probabilities: output)
    case .regression: return .values(output.column(0))
    }
  }
}

/// What a model answered for a request's rows.
enum ModelOutput: Sendable {
  /// Classification: the predicted class index per row, and the `rows × classes` probabilities.
  case classes([Int], probabilities: Matrix)
  /// Regression: one value per row.
  case values([Double])
}
