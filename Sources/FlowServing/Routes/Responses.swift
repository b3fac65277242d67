import Hummingbird

/// Small constructors for the responses every route sends.
enum Responses {
  static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// `{"error": message}` with the error's status.
  static func error(_ error: ServingError) -> Response {
    var response = json(JSONText.error(error.message), status: error.status)
    if error.code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
    return response
  }
}
