import FlowCore
/// Request counters and latency histograms, written in the Prometheus text exposition format (0.0.4).
///
/// Every request updates its counters under one short lock; `/metrics` renders a consistent snapshot.
final class PrometheusMetrics: Sendable {
  /// Upper bounds of the latency histogram, in seconds.
  static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

  private struct RequestKey: Hashable { var endpoint: String, version: String, code: Int }
  private struct ErrorKey: Hashable { var endpoint: String, version: String, reason: String }
  private struct SeriesKey: Hashable { var endpoint: String, version: String }
  private struct LoadKey: Hashable { var endpoint: String, success: Bool }

  private struct Histogram {
    var counts = [Int](repeating: 0, count: PrometheusMetrics.latencyBuckets.count)
    var sum = 0.0
    var count = 0

    mutating func observe(_ seconds: Double) {
      if let bucket = PrometheusMetrics.latencyBuckets.firstIndex(where: { seconds <= $0 }) { counts[bucket] += 1 }
      sum += seconds
      count += 1
    }
  }

  private struct State {
    var requests: [RequestKey: Int] = [:]
    var errors: [ErrorKey: Int] = [:]
    var latency: [SeriesKey: Histogram] = [:]
    var rows: [SeriesKey: Int] = [:]
    var loads: [LoadKey: Int] = [:]
    var captured = 0
  }

  private let state = Locked(State())

  /// Records one invocation.
  /// - Parameters:
  ///   - endpoint: The endpoint name (`""` when the request named none that exists).
  ///   - version: The model version that answered (`""` when none did).
  ///   - code: The HTTP status sent.
  ///   - error: The error code for a failed request.
  ///   - seconds: Time from receiving the request to having the response.
  ///   - rows: Rows predicted.
  func recordInvocation(endpoint: String, version: String, code: Int, error: String?, seconds: Double?, rows: Int) {
    state.withLock { state in
      state.requests[RequestKey(endpoint: endpoint, version: version, code: code), default: 0] += 1
      if let error { state.errors[ErrorKey(endpoint: endpoint, version: version, reason: error), default: 0] += 1 }
      let series = SeriesKey(endpoint: endpoint, version: version)
      if let seconds { state.latency[series, default: Histogram()].observe(seconds) }
      if rows > 0 { state.rows[series, default: 0] += rows }
    }
  }

  /// Records a model load.
  func recordLoad(endpoint: String, success: Bool) {
    state.withLock { $0.loads[LoadKey(endpoint: endpoint, success: success), default: 0] += 1 }
  }

  /// Records that a request was written to the data capture.
  func recordCapture() {
    state.withLock { $0.captured += 1 }
  }

  /// The exposition text, including one `flow_serving_endpoint_info` sample per served endpoint.
  func render(endpoints: [String: ModelTable.Status]) -> String {
    let state = state.withLock { $0 }
    var out = ""
    out += "# HELP flow_serving_requests_total Invocation requests by endpoint, model version and HTTP status code.\n"
    out += "# TYPE flow_serving_requests_total counter\n"
    for (key, value) in state.requests.sorted(by: { ($0.key.endpoint, $0.key.version, $0.key.code) < ($1.key.endpoint, $1.key.version, $1.key.code) }) {
      out += "flow_serving_requests_total{endpoint=\(Self.label(key.endpoint)),version=\(Self.label(key.version)),code=\"\(key.code)\"} \(value)\n"
    }
    out += "# HELP flow_serving_errors_total Failed invocation requests by endpoint, model version and error code.\n"
    out += "# TYPE flow_serving_errors_total counter\n"
    for (key, value) in state.errors.sorted(by: { ($0.key.endpoint, $0.key.version, $0.key.reason) < ($1.key.endpoint, $1.key.version, $1.key.reason) }) {
      out += "flow_serving_errors_total{endpoint=\(Self.label(key.endpoint)),version=\(Self.label(key.version)),error=\(Self.label(key.reason))} \(value)\n"
    }
    out += "# HELP flow_serving_request_duration_seconds Time to answer an invocation, by endpoint and model version.\n"
    out += "# TYPE flow_serving_request_duration_seconds histogram\n"
    for (key, histogram) in state.latency.sorted(by: { ($0.key.endpoint, $0.key.version) < ($1.key.endpoint, $1.key.version) }) {
      let labels = "endpoint=\(Self.label(key.endpoint)),version=\(Self.label(key.version))"
      var cumulative = 0
      for (bound, count) in zip(Self.latencyBuckets, histogram.counts) {
        cumulative += count
        out += "flow_serving_request_duration_seconds_bucket{\(labels),le=\"\(Self.number(bound))\"} \(cumulative)\n"
      }
      out += "flow_serving_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
      out += "flow_serving_request_duration_seconds_sum{\(labels)} \(Self.number(histogram.sum))\n"
      out += "flow_serving_request_duration_seconds_count{\(labels)} \(histogram.count)\n"
    }
    out += "# HELP flow_serving_predicted_rows_total Rows predicted, by endpoint and model version.\n"
    out += "# TYPE flow_serving_predicted_rows_total counter\n"
    for (key, value) in state.rows.sorted(by: { ($0.key.endpoint, $0.key.version) < ($1.key.endpoint, $1.key.version) }) {
      out += "flow_serving_predicted_rows_total{endpoint=\(Self.label(key.endpoint)),version=\(Self.label(key.version))} \(value)\n"
    }
    out += "# HELP flow_serving_model_loads_total Model artifact loads, by endpoint and result.\n"
    out += "# TYPE flow_serving_model_loads_total counter\n"
    for (key, value) in state.loads.sorted(by: { ($0.key.endpoint, $0.key.success ? 0 : 1) < ($1.key.endpoint, $1.key.success ? 0 : 1) }) {
      out += "flow_serving_model_loads_total{endpoint=\(Self.label(key.endpoint)),result=\"\(key.success ? "success" : "failure")\"} \(value)\n"
    }
    out += "# HELP flow_serving_captured_requests_total Requests written to the data capture.\n"
    out += "# TYPE flow_serving_captured_requests_total counter\n"
    out += "flow_serving_captured_requests_total \(state.captured)\n"
    out += "# HELP flow_serving_endpoint_info The model version each endpoint serves (always 1).\n"
    out += "# TYPE flow_serving_endpoint_info gauge\n"
    for (name, status) in endpoints.sorted(by: { $0.key < $1.key }) {
      guard let model = status.serving else { continue }
      out += "flow_serving_endpoint_info{endpoint=\(Self.label(name)),model=\(Self.label(model.target.modelName)),version=\(Self.label(model.target.version))} 1\n"
    }
    return out
  }

  /// A label value, quoted and escaped as the format requires.
  private static func label(_ value: String) -> String {
    var out = "\""
    for character in value {
      switch character {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out + "\""
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
  }
}
