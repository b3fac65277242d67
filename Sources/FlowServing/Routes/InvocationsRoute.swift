import Foundation
import Hummingbird

/// `POST /invocations` and `POST /endpoints/{name}/invocations`: predictions for CSV or JSON rows.
struct InvocationsRoute: Sendable {
  let table: ModelTable
  let metrics: PrometheusMetrics
  let capture: DataCapture?
  let maxBodyBytes: Int

  /// Answers one invocation; never throws: every failure becomes a 4xx/5xx response and a metric.
  /// - Parameter endpoint: The endpoint named in the path, or `nil` for the default endpoint.
  func respond(to request: Request, endpoint: String?) async -> Response {
    let start = DispatchTime.now().uptimeNanoseconds
    var model: LoadedModel?
    do throws(ServingError) {
      let resolved: LoadedModel
      if let endpoint { resolved = try table.model(for: endpoint) } else { resolved = try table.defaultModel() }
      model = resolved
      let mediaType = try MediaType(contentType: request.headers[.contentType])
      let body = try await collectBody(request)
      let rows: FeatureRows
      do {
        rows = try body.withUnsafeReadableBytes { bytes in try resolved.decoder.decode(bytes, mediaType: mediaType) }
      } catch let error as ServingError { throw error } catch {
        throw ServingError(.malformedBody, "the body can't be read", underlying: "\(error)")
      }
      let output = resolved.predict(rows)
      let wantsCSV = Self.prefersCSV(request.headers[.accept])
      let predictions = wantsCSV && capture == nil ? "" : ResponseEncoding.predictionsJSON(output, model: resolved)
      let response = wantsCSV
        ? Responses.text(ResponseEncoding.csv(output, model: resolved), contentType: "text/csv")
        : Responses.json(ResponseEncoding.responseJSON(predictions: predictions, model: resolved))
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      metrics.recordInvocation(endpoint: resolved.endpoint, version: resolved.target.version, code: 200, error: nil,
                               seconds: seconds, rows: rows.count)
      if let capture, capture.sample() {
        capture.append(endpoint: resolved.endpoint, model: resolved.target.modelName, version: resolved.target.version,
                       features: ResponseEncoding.featuresJSON(rows),
                       predictions: predictions.isEmpty ? ResponseEncoding.predictionsJSON(output, model: resolved) : predictions)
        metrics.recordCapture()
      }
      return response
    } catch {
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      metrics.recordInvocation(endpoint: model?.endpoint ?? "", version: model?.target.version ?? "",
                               code: Int(error.status.code), error: error.code.description,
                               seconds: model == nil ? nil : seconds, rows: 0)
      return Responses.error(error)
    }
  }

  /// The body, refusing more than `maxBodyBytes` (early, from `Content-Length`, when the client sends it).
  private func collectBody(_ request: Request) async throws(ServingError) -> ByteBuffer {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
      throw tooLarge(length)
    }
    do {
      return try await request.body.collect(upTo: maxBodyBytes)
    } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
      // A chunked body has no Content-Length: collecting stops at the limit (NIOTooManyBytesError).
      throw tooLarge(nil)
    } catch {
      throw ServingError(.malformedBody, "the request body could not be read", underlying: "\(error)")
    }
  }

  private func tooLarge(_ length: Int?) -> ServingError {
    ServingError(.bodyTooLarge, "the body\(length.map { " (\($0) bytes)" } ?? "") is larger than the limit of \(maxBodyBytes) bytes")
  }

  /// `Accept: text/csv` (and not a preference for JSON first).
  static func prefersCSV(_ accept: String?) -> Bool {
    guard let accept = accept?.lowercased(), let csv = accept.range(of: "text/csv") else { return false }
    guard let json = accept.range(of: "application/json") else { return true }
    return csv.lowerBound < json.lowerBound
  }
}
