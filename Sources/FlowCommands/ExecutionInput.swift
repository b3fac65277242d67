import FlowCore
import Foundation

/// Builds an execution's input: `Flow.Parameters` defaults, then `--input`/`--input-file`, then `--param` values.
enum ExecutionInput {
  static func build(defaults: JSONObject, input: String?, inputFile: String?, params: [String]) throws -> JSONValue {
    var given: JSONValue?
    if let input {
      given = try parse(input, source: "--input")
    } else if let inputFile {
      let text: String
      do { text = try String(contentsOfFile: inputFile, encoding: .utf8) } catch {
        throw CLIError("cannot read the input file \(inputFile): \(FileErrorReason.reason(for: error, path: inputFile))")
      }
      given = try parse(text, source: inputFile)
    }
    var result: JSONValue
    switch given {
    case nil: result = .object(defaults)
    case .object(let object)?:
      var merged = defaults
      for (key, value) in object { merged[key] = value }
      result = .object(merged)
    case let other?:
      guard defaults.isEmpty else {
        throw CLIError("the execution input must be a JSON object to merge with Flow.Parameters, got \(other.typeName)")
      }
      result = other
    }
    for param in params {
      guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
        throw CLIError("--param takes key=value, got '\(param)'")
      }
      let key = String(param[..<equals]), raw = String(param[param.index(after: equals)...])
      guard case .object(var object) = result else {
        throw CLIError("--param needs an object input, but the input is \(result.typeName)")
      }
      object[key] = (try? JSONValue(parsing: raw)) ?? .string(raw)
      result = .object(object)
    }
    return result
  }

  private static func parse(_ text: String, source: String) throws -> JSONValue {
    do { return try JSONValue(parsing: text) } catch {
      throw CLIError("\(source):\(error.line):\(error.column): the execution input is not valid JSON: \(error.message)")
    }
  }
}
