import FlowCore
import Foundation

/// The models being served, by endpoint: what every request reads and what a hot swap replaces.
///
/// A request takes the endpoint's ``LoadedModel`` reference under the lock and predicts outside it,
/// so a swap is one dictionary assignment: requests that started before it finish on the old model,
/// requests that start after it use the new one, and none waits for a load.
final class ModelTable: Sendable {
  /// What `/endpoints` shows about one endpoint.
  struct Status: Sendable {
    /// The model answering requests, if one is loaded.
    var serving: LoadedModel?
    /// A target being loaded to replace it.
    var pending: EndpointTarget?
    /// Why the last load failed, while the endpoint still points at that target.
    var lastError: String?
  }

  private let state = Locked<[String: Status]>([:])
  private let preferredDefault: String?

  /// - Parameter defaultEndpoint: The endpoint `POST /invocations` uses; when `nil`, the only endpoint,
  ///   or the one called `default`.
  init(defaultEndpoint: String?) { preferredDefault = defaultEndpoint }

  /// The model serving `endpoint`.
  /// - Throws: ``ServingError``: `unknown-endpoint`, or `no-model` while its first load is pending or failing.
  func model(for endpoint: String) throws(ServingError) -> LoadedModel {
    let status = state.withLock { $0[endpoint] }
    guard let status else {
      throw ServingError(.unknownEndpoint, "no endpoint named '\(endpoint)' (endpoints: \(list(names)))")
    }
    guard let model = status.serving else {
      throw ServingError(.noModel, "endpoint '\(endpoint)' has no model loaded yet" + (status.lastError.map { ": \($0)" } ?? ""))
    }
    return model
  }

  /// The model serving the default endpoint.
  /// - Throws: ``ServingError`` (`unknown-endpoint` when there is no default, or as ``model(for:)``).
  func defaultModel() throws(ServingError) -> LoadedModel {
    guard let name = defaultEndpointName else {
      let all = names
      throw ServingError(.unknownEndpoint, all.isEmpty ? "no endpoints are configured"
                         : "there is no default endpoint; POST to /endpoints/NAME/invocations (endpoints: \(list(all)))")
    }
    return try model(for: name)
  }

  /// The endpoint `POST /invocations` uses, if any.
  var defaultEndpointName: String? {
    state.withLock { table in
      if let preferredDefault { return table[preferredDefault] == nil ? nil : preferredDefault }
      if table.count == 1 { return table.keys.first }
      return table["default"] == nil ? nil : "default"
    }
  }

  /// Endpoint names, sorted.
  var names: [String] { state.withLock { $0.keys.sorted() } }

  /// Every endpoint's status, by name.
  var snapshot: [String: Status] { state.withLock { $0 } }

  /// Whether at least one endpoint has a model loaded.
  var hasLoadedModel: Bool { state.withLock { $0.values.contains { $0.serving != nil } } }

  /// Swaps `model` in for its endpoint.
  func install(_ model: LoadedModel) {
    state.withLock { table in
      var status = table[model.endpoint] ?? Status()
      status.serving = model
      if status.pending == model.target { status.pending = nil }
      status.lastError = nil
      table[model.endpoint] = status
    }
  }

  /// Records that `target` is being loaded for `endpoint` (the endpoint appears in the table if new).
  func markPending(_ endpoint: String, _ target: EndpointTarget) {
    state.withLock { table in
      var status = table[endpoint] ?? Status()
      status.pending = target
      table[endpoint] = status
    }
  }

  /// Records a failed load; the endpoint keeps serving what it served.
  func markFailed(_ endpoint: String, _ target: EndpointTarget, _ message: String) {
    state.withLock { table in
      guard var status = table[endpoint] else { return }
      if status.pending == target { status.pending = nil }
      status.lastError = message
      table[endpoint] = status
    }
  }

  /// Stops serving `endpoint`.
  func remove(_ endpoint: String) {
    _ = state.withLock { $0.removeValue(forKey: endpoint) }
  }

  private func list(_ names: [String]) -> String {
    names.isEmpty ? "none" : names.map { "'\($0)'" }.joined(separator: ", ")
  }
}
