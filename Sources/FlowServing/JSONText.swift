import FlowCore
/// Hand-written JSON text for the hot path: the shapes are fixed, so building the text directly is
/// several times faster than going through `JSONEncoder`.
enum JSONText {
  /// `text` as a JSON string literal, quotes included.
  static func quoted(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + 2)
    JSONValue.writeString(text, to: &out)
    return out
  }

  /// A number in its shortest round-trip form; `null` for NaN and infinities, which JSON can't spell.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return value.description
  }

  /// `{"error": message}`.
  static func error(_ message: String) -> String { "{\"error\":\(quoted(message))}" }
}
