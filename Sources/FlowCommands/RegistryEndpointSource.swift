import FlowCore
import FlowServing
import FlowStore

/// The endpoints of the model registry in the store: what `flow serve` serves by default. The server polls it,
/// so a deployment or rollback made by another process is picked up without a restart. An artifact recorded on
/// another host is served from this host's cache, fetched from the store when the store keeps artifact bytes.
struct RegistryEndpointSource: EndpointSource {
  let store: any ModelRegistry
  var cache: ArtifactCache? = nil

  func endpoints() throws -> [String: EndpointTarget] {
    var table: [String: EndpointTarget] = [:]
    for endpoint in try store.endpoints() {
      table[endpoint.name] = EndpointTarget(modelName: endpoint.current.modelName, version: String(endpoint.current.version),
                                            artifactPath: try cache?.localPath(of: endpoint.current.artifactPath)
                                              ?? endpoint.current.artifactPath)
    }
    return table
  }
}
