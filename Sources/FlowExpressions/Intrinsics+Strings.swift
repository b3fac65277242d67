import FlowCore

extension Intrinsics {
  /// `States.Format(template, values…)`: each `{}` replaced by the next value. The count of values
  /// must equal the count of placeholders.
  static func format(_ args: [JSONValue], template literal: FormatTemplate?) throws(IntrinsicFailure) -> JSONValue {
    try check(!args.isEmpty, .format)
    let text = try string(args[0], .format)
    let template = literal ?? FormatTemplate(unescaped: text)
    guard let placeholders = template.placeholderCount, placeholders == args.count - 1 else {
      throw .invalidArguments(.format)
    }
    return .string(template.render(Array(args.dropFirst())))
  }

  /// `States.StringToJson(text)`: the JSON value the text holds. Blank text gives `null`, as in Step Functions.
  static func stringToJson(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .stringToJson)
    let text = try string(args[0], .stringToJson)
    if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { return .null }
    do {
      return try JSONValue(parsing: text)
    } catch {
      throw .invalidArguments(.stringToJson)
    }
  }

  /// `States.JsonToString(value)`: compact JSON text.
  static func jsonToString(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .jsonToString)
    return .string(args[0].serialized())
  }

  /// `States.StringSplit(text, separators)`: splits on every character of `separators` and drops empty
  /// pieces, like Java's `StringTokenizer` (`"a,,b"` → `["a", "b"]`; an empty separator keeps the text whole).
  static func stringSplit(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 2, .stringSplit)
    let text = try string(args[0], .stringSplit)
    let separators = Set(try string(args[1], .stringSplit).unicodeScalars)
    var pieces: [JSONValue] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if separators.contains(scalar) {
        if !current.isEmpty { pieces.append(.string(String(current))) }
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty { pieces.append(.string(String(current))) }
    return .array(pieces)
  }

  /// `States.Base64Encode(text)`: the Base64 of the text's UTF-8 bytes.
  static func base64Encode(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .base64Encode)
    let text = try string(args[0], .base64Encode)
    try check(javaLength(text) <= maximumInputLength, .base64Encode)
    return .string(Base64.encode(Array(text.utf8)))
  }

  /// `States.Base64Decode(text)`: the decoded bytes read as UTF-8.
  static func base64Decode(_ args: [JSONValue]) throws(IntrinsicFailure) -> JSONValue {
    try count(args, 1, .base64Decode)
    let text = try string(args[0], .base64Decode)
    try check(javaLength(text) <= maximumInputLength, .base64Decode)
    guard let bytes = Base64.decodeLeniently(text) else { throw .invalidArguments(.base64Decode) }
    return .string(String(decoding: bytes, as: UTF8.self))
  }
}
