import ArgumentParser
import FlowCore
import FlowExpressions
import FlowJSONata
import Foundation

extension Flow {
  /// `flow eval`: evaluates one JSONata expression (or JSONPath) against a JSON input and prints the outcome as JSON.
  ///
  /// Prints exactly one object: `{"result": VALUE}`, `{"undefined": true}` or `{"error": {"code", "message"}}`,
  /// and exits 0 in all three cases; a non-zero exit means the command was misused (bad flag, unreadable file,
  /// input that is not JSON).
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Evaluate a JSONata expression or a JSONPath against a JSON input.",
      discussion: "Prints {\"result\": …}, {\"undefined\": true} or {\"error\": {\"code\": …, \"message\": …}}.")

    @Option(name: .customLong("jsonata"), help: "A file holding the JSONata expression.", completion: .file())
    var jsonataFile: String?
    @Option(name: .customLong("jsonata-expr"), parsing: .unconditional, help: "The JSONata expression itself.")
    var jsonataExpression: String?
    @Option(name: .customLong("jsonpath"), help: "A JSONPath to evaluate instead (for example '$.a').")
    var jsonPath: String?
    @Option(name: .customLong("input-file"), help: "The input document (JSON). Absent: the input is undefined.", completion: .file())
    var inputFile: String?
    @Option(name: .customLong("input"), parsing: .unconditional, help: "The input document as JSON text.")
    var input: String?
    @Option(name: .customLong("bindings-file"), help: "A JSON object whose keys are bound as variables.", completion: .file())
    var bindingsFile: String?

    func validate() throws {
      let sources = [jsonataFile, jsonataExpression, jsonPath].compactMap { $0 }
      guard sources.count == 1 else {
        throw ValidationError("Give exactly one of --jsonata FILE, --jsonata-expr EXPR or --jsonpath PATH.")
      }
      if inputFile != nil && input != nil { throw ValidationError("Give --input-file or --input, not both.") }
    }

    func run() throws {
      let document: JSONValue? = try inputFile.map { try parseJSON(readText($0), what: $0) } ?? input.map { try parseJSON($0, what: "--input") }
      var bindings: [String: JSONValue] = [:]
      if let bindingsFile {
        guard case .object(let members) = try parseJSON(readText(bindingsFile), what: bindingsFile) else {
          throw ValidationError("\(bindingsFile): the bindings must be a JSON object")
        }
        for (k, v) in members { bindings[k] = v }
      }
      if let jsonPath {
        do {
          let path = try JSONPath(jsonPath)
          print(Eval.outcome(path.evaluate(on: document ?? .null)))
        } catch {
          print(Eval.errorLine(code: "States.Runtime", message: error.description))
        }
        return
      }
      let source = try jsonataExpression ?? readText(jsonataFile!)
      do {
        let expression = try JSONataExpression(source)
        print(Eval.outcome(try expression.evaluate(document, bindings: bindings)))
      } catch {
        print(Eval.errorLine(code: error.code.rawValue, message: error.message))
      }
    }

    private func readText(_ path: String) throws -> String {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path)")
      }
      return String(decoding: data, as: UTF8.self)
    }

    private func parseJSON(_ text: String, what: String) throws -> JSONValue {
      do { return try JSONValue(parsing: text) } catch {
        throw ValidationError("\(what) is not JSON: \(error.description)")
      }
    }

    static func outcome(_ value: JSONValue?) -> String {
      guard let value else { return "{\"undefined\":true}" }
      return JSONValue.object(["result": value]).serialized()
    }

    static func errorLine(code: String, message: String) -> String {
      JSONValue.object(["error": .object(["code": .string(code), "message": .string(message)])]).serialized()
    }
  }
}
