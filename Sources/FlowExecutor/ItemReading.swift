import FlowCore
import FlowDefinition
import Foundation

/// Reads a Map state's items from a local file (`ItemReader`), in place of S3.
enum ItemReading {
  static func read(_ reader: ItemReader, parameters: JSONValue, maxItems: Int?) throws -> [JSONValue] {
    guard let path = parameters["Path"]?.stringValue
      ?? zip(parameters["Bucket"]?.stringValue, parameters["Key"]?.stringValue).map({ "\($0)/\($1)" })
    else {
      throw StepFailure("States.ItemReaderFailed", cause: "The ItemReader's Parameters must give a 'Path' (or 'Bucket' and 'Key').")
    }
    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: reader.baseDirectory).appendingPathComponent(path)
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw StepFailure("States.ItemReaderFailed", cause: "Cannot read the items file \(url.path): \(error.localizedDescription)")
    }
    var items: [JSONValue]
    switch reader.inputType {
    case .json:
      guard case .array(let array) = try parse(text, url: url, line: nil) else {
        throw StepFailure("States.ItemReaderFailed", cause: "\(url.path): the file must hold a JSON array")
      }
      items = array
    case .jsonLines:
      items = []
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
      where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        items.append(try parse(String(line), url: url, line: number + 1))
      }
    case .csv:
      items = try csv(text, headers: reader.csvHeaders, url: url)
    }
    if let maxItems, maxItems > 0, items.count > maxItems { items = Array(items.prefix(maxItems)) }
    return items
  }

  private static func zip(_ a: String?, _ b: String?) -> (String, String)? {
    guard let a, let b else { return nil }
    return (a, b)
  }

  private static func parse(_ text: String, url: URL, line: Int?) throws -> JSONValue {
    do { return try JSONValue(parsing: text) } catch {
      let position = line.map { "\($0):\(error.column)" } ?? "\(error.line):\(error.column)"
      throw StepFailure("States.ItemReaderFailed", cause: "\(url.path):\(position): \(error.message)")
    }
  }

  /// CSV rows as objects of strings keyed by the header (RFC 4180 quoting), fields exactly as written.
  private static func csv(_ text: String, headers given: [String]?, url: URL) throws -> [JSONValue] {
    var rows: [(line: Int, fields: [String])]
    do {
      rows = try Array(text.utf8).withUnsafeBufferPointer { buffer throws(CSVScanner.SyntaxError) in
        var scanner = CSVScanner(bytes: buffer)
        return try scanner.records()
      }
    } catch {
      throw StepFailure("States.ItemReaderFailed", cause: "\(url.path):\(error.line): \(error.message)")
    }
    guard let headers = given ?? (rows.isEmpty ? nil : rows.removeFirst().fields) else { return [] }
    return try rows.map { row in
      guard row.fields.count == headers.count else {
        throw StepFailure("States.ItemReaderFailed",
                          cause: "\(url.path):\(row.line): the row has \(row.fields.count) fields, the header has \(headers.count)")
      }
      var object = JSONObject()
      for (key, value) in Swift.zip(headers, row.fields) { object[key] = .string(value) }
      return .object(object)
    }
  }
}
