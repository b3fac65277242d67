import FlowCore
import FlowExpressions

/// Map states: the item processor (or legacy `Iterator`), item selection, concurrency and failure tolerance,
/// batching, and reading items from a local file. Value ranges are checked by ``MapSettingsValidator``.
extension DocumentDecoder {
  mutating func mapState(_ node: LocatedNode, stateName: String, language: QueryLanguage) -> (MapState, ScopeDocument) {
    let processorKey = exclusive(node, ["ItemProcessor", "Iterator"])
    if processorKey == nil {
      error(.missingField, "Map state '\(stateName)' has no 'ItemProcessor'", at: node.location,
            hint: "add 'ItemProcessor' with 'StartAt' and 'States' to run for each item")
    }
    let processorNode = processorKey.flatMap { node[$0] } ?? LocatedNode(.object([]), at: node.location)
    let processor = processorKey == nil
      ? ScopeDocument(kind: .processor(of: stateName), node: processorNode, startAt: nil, states: [],
                      machine: StateMachine(startAt: "", states: [:], order: []))
      : decodeScope(processorNode, kind: .processor(of: stateName))
    var processorConfig: JSONValue?
    if let config = processorNode["ProcessorConfig"], object(config, "'ProcessorConfig'") {
      checkFields(of: config, allowed: ["Mode", "ExecutionType"], in: "'ProcessorConfig'")
      oneOf(config, "Mode", ["INLINE", "DISTRIBUTED"])
      oneOf(config, "ExecutionType", ["STANDARD", "EXPRESS"])
      processorConfig = config.json
    }

    var map: MapState
    if language == .jsonata {
      map = MapState(itemsPath: nil, itemSelector: nil, processor: processor.machine, processorConfig: processorConfig)
      map.items = jsonata(in: node, "Items")
      map.itemSelectorExpression = jsonata(in: node, "ItemSelector")
      map.maxConcurrency = jsonataNumber(in: node, "MaxConcurrency", integer: true)
      map.toleratedFailurePercentage = jsonataNumber(in: node, "ToleratedFailurePercentage", integer: false)
      map.toleratedFailureCount = jsonataNumber(in: node, "ToleratedFailureCount", integer: true)
    } else {
      let selectorKey = exclusive(node, ["ItemSelector", "Parameters"]) ?? "ItemSelector"
      map = MapState(itemsPath: path(in: node, "ItemsPath"), itemSelector: template(in: node, selectorKey),
                     processor: processor.machine, processorConfig: processorConfig)
      map.maxConcurrency = numberSource(in: node, "MaxConcurrency", integer: true)
      map.toleratedFailurePercentage = numberSource(in: node, "ToleratedFailurePercentage", integer: false)
      map.toleratedFailureCount = numberSource(in: node, "ToleratedFailureCount", integer: true)
    }
    map.label = string(node, "Label")?.value
    if let batcher = node["ItemBatcher"], object(batcher, "'ItemBatcher'") {
      map.itemBatcher = itemBatcher(batcher)
    }
    if let reader = node["ItemReader"], object(reader, "'ItemReader'") {
      map.itemReader = itemReader(reader)
    }
    if map.isDistributed, case .object(var document) = processorNode.json {
      document["ProcessorConfig"] = nil
      if document["QueryLanguage"] == nil { document["QueryLanguage"] = .string(language.rawValue) }
      map.processorDocument = .object(document)
    }
    if let writer = node["ResultWriter"] {
      if !map.isDistributed {
        error(.unsupportedFeature, "'ResultWriter' needs a DISTRIBUTED Map: an INLINE Map's results become its output",
              at: node.keyLocation("ResultWriter"), hint: "set 'ItemProcessor.ProcessorConfig.Mode: DISTRIBUTED', or remove 'ResultWriter'")
      } else if object(writer, "'ResultWriter'") {
        map.resultWriter = resultWriter(writer)
      }
    }
    return (map, processor)
  }

  /// Checks that the string `key` (if present) is one of `choices`.
  @discardableResult
  mutating func oneOf(_ node: LocatedNode, _ key: String, _ choices: [String]) -> Located<String>? {
    guard let value = string(node, key) else { return nil }
    guard choices.contains(value.value) else {
      error(.invalidValue, "'\(key)' must be \(choices.joined(separator: " or ")), got '\(value.value)'", at: value.location,
            hint: choices.closestMatch(to: value.value).didYouMean)
      return nil
    }
    return value
  }

  /// `ResultWriter: {Resource: "flow:artifacts", Parameters: {Prefix: "…"}, WriterConfig: {Transformation, OutputType}}`:
  /// flow writes AWS's manifest and result files under the artifact directory; S3 is not reachable from here. As on
  /// AWS, `WriterConfig` alone formats the Map's output without writing files.
  private mutating func resultWriter(_ node: LocatedNode) -> ResultWriter {
    checkFields(of: node, allowed: ["Resource", "Parameters", "WriterConfig"], in: "'ResultWriter'")
    let config = node["WriterConfig"]
    let exports = node["Resource"] != nil || config == nil
    if exports, let resource = required(node, "Resource", in: "'ResultWriter'").flatMap({ _ in string(node, "Resource") }),
       resource.value != "flow:artifacts" {
      if resource.value.hasPrefix("arn:aws:states:::s3:") {
        error(.unsupportedFeature, "'ResultWriter' cannot write to S3 ('\(resource.value)'): flow writes the Map Run's results under its artifact directory",
              at: resource.location, hint: "use 'Resource: flow:artifacts' with 'Parameters: {Prefix: …}'")
      } else {
        error(.invalidValue, "the 'ResultWriter' resource must be 'flow:artifacts', got '\(resource.value)'", at: resource.location,
              hint: "use 'Resource: flow:artifacts' with 'Parameters: {Prefix: …}'")
      }
    }
    var prefix = ""
    if let params = node["Parameters"], object(params, "the 'ResultWriter' parameters") {
      if !exports {
        error(.missingField, "'ResultWriter' has 'Parameters' but no 'Resource': without one nothing is written", at: node.keyLocation("Parameters"),
              hint: "add 'Resource: flow:artifacts' to write the results to files, or remove 'Parameters'")
      }
      checkFields(of: params, allowed: ["Prefix"], in: "the 'ResultWriter' parameters")
      if let given = string(params, "Prefix") {
        let parts = given.value.split(separator: "/", omittingEmptySubsequences: true)
        if given.value.hasPrefix("/") || parts.contains("..") || parts.contains(".") {
          error(.invalidValue, "'Prefix' must be a relative path inside the artifact directory, got '\(given.value)'", at: given.location)
        } else {
          prefix = parts.joined(separator: "/")
        }
      }
    }
    var transformation: ResultWriter.Transformation?
    var outputType = ResultWriter.OutputType.json
    if let config, object(config, "'WriterConfig'") {
      checkFields(of: config, allowed: ["Transformation", "OutputType"], in: "'WriterConfig'")
      if let value = oneOf(config, "Transformation", ResultWriter.Transformation.allCases.map(\.rawValue)) {
        transformation = ResultWriter.Transformation(rawValue: value.value)
      }
      if let value = oneOf(config, "OutputType", ResultWriter.OutputType.allCases.map(\.rawValue)) {
        outputType = ResultWriter.OutputType(rawValue: value.value) ?? .json
        if outputType == .jsonl && !exports {
          error(.invalidValue, "'OutputType: JSONL' formats result files, and this 'ResultWriter' writes none (it has no 'Resource')",
                at: value.location, hint: "add 'Resource: flow:artifacts' to write JSON Lines files, or use 'OutputType: JSON'")
        }
      }
    }
    return ResultWriter(exports: exports, prefix: prefix, transformation: transformation, outputType: outputType)
  }

  private mutating func itemBatcher(_ node: LocatedNode) -> ItemBatcher {
    checkFields(of: node, allowed: ["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                                    "MaxInputBytesPerBatchPath", "BatchInput"], in: "'ItemBatcher'")
    let batcher = ItemBatcher(maxItemsPerBatch: numberSource(in: node, "MaxItemsPerBatch", integer: true),
                              maxInputBytesPerBatch: numberSource(in: node, "MaxInputBytesPerBatch", integer: true),
                              batchInput: template(in: node, "BatchInput"))
    if node["MaxItemsPerBatch"] == nil, node["MaxItemsPerBatchPath"] == nil,
      node["MaxInputBytesPerBatch"] == nil, node["MaxInputBytesPerBatchPath"] == nil
    {
      error(.missingField, "'ItemBatcher' needs 'MaxItemsPerBatch' or 'MaxInputBytesPerBatch'", at: node.location)
    }
    return batcher
  }

  private mutating func itemReader(_ node: LocatedNode) -> ItemReader {
    checkFields(of: node, allowed: ["Resource", "Parameters", "ReaderConfig"], in: "'ItemReader'")
    if let resource = string(node, "Resource") {
      if resource.value.hasPrefix("arn:aws:states:::s3:listObjectsV2") {
        error(.unsupportedFeature, "listing S3 objects is not supported: 'ItemReader' reads one local file", at: resource.location)
      } else if !resource.value.hasPrefix("arn:aws:states:::s3:getObject") {
        warning(.ignoredField, "the 'ItemReader' resource '\(resource.value)' is ignored: items are read from a local file",
                at: resource.location)
      }
    }
    var parameters = PayloadTemplate.empty
    var literalPath: String?
    if let params = required(node, "Parameters", in: "'ItemReader'"), object(params, "'Parameters'") {
      (parameters, literalPath) = readerParameters(params)
    }
    var reader = ItemReader(parameters: parameters, inputType: Self.inputType(forPath: literalPath), csvHeaders: nil,
                            maxItems: nil, baseDirectory: baseDirectory)
    if let config = node["ReaderConfig"], object(config, "'ReaderConfig'") {
      checkFields(of: config, allowed: ["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath"],
                  in: "'ReaderConfig'")
      if let type = string(config, "InputType") {
        if let inputType = ItemReader.InputType(rawValue: type.value) {
          reader.inputType = inputType
        } else if ["MANIFEST", "PARQUET"].contains(type.value) {
          error(.unsupportedFeature, "'InputType' \(type.value) is not supported (JSON, JSONL or CSV)", at: type.location)
        } else {
          error(.invalidValue, "'InputType' must be JSON, JSONL or CSV, got '\(type.value)'", at: type.location,
                hint: ["JSON", "JSONL", "CSV"].closestMatch(to: type.value).didYouMean)
        }
      }
      if let delimiter = oneOf(config, "CSVDelimiter", ["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]), delimiter.value != "COMMA" {
        error(.unsupportedFeature, "only COMMA is supported as 'CSVDelimiter'", at: delimiter.location)
      }
      let headerLocation = oneOf(config, "CSVHeaderLocation", ["FIRST_ROW", "GIVEN"])
      let headers = strings(config, "CSVHeaders")
      if headerLocation?.value == "GIVEN" {
        if let headers { reader.csvHeaders = headers.map(\.value) } else if config["CSVHeaders"] == nil {
          error(.missingField, "'CSVHeaderLocation: GIVEN' needs 'CSVHeaders'", at: headerLocation?.location)
        }
      } else if config["CSVHeaders"] != nil {
        error(.fieldNotAllowed, "'CSVHeaders' needs 'CSVHeaderLocation: GIVEN'", at: config.keyLocation("CSVHeaders"))
      }
      if (config["CSVHeaderLocation"] != nil || config["CSVHeaders"] != nil), reader.inputType != .csv {
        error(.fieldNotAllowed, "CSV settings need 'InputType: CSV'", at: config.keyLocation("CSVHeaderLocation"))
      }
      reader.maxItems = numberSource(in: config, "MaxItems", integer: true)
    }
    return reader
  }

  /// The reader's `Parameters` as a template giving `{"Path": …}`, and the path when it is a literal.
  /// `Bucket` and `Key` (literal or `.$`) are joined as `Bucket/Key`.
  private mutating func readerParameters(_ params: LocatedNode) -> (PayloadTemplate, String?) {
    let keys = ["Path", "Path.$", "Bucket", "Bucket.$", "Key", "Key.$", "VersionId"]
    checkFields(of: params, allowed: keys, in: "the 'ItemReader' parameters")
    if exclusive(params, ["Path", "Path.$"]) != nil {
      for key in ["Bucket", "Bucket.$", "Key", "Key.$"] where params[key] != nil {
        error(.conflictingFields, "'\(key)' cannot be used with 'Path'", at: params.keyLocation(key))
      }
      if let literal = string(params, "Path") {
        return ((try? PayloadTemplate(.object(["Path": .string(literal.value)]))) ?? .empty, literal.value)
      }
      guard let dynamic = params.member("Path.$") else { return (.empty, nil) }
      // Compiled through a wrapper so that a bad path is reported at its place in the file.
      let wrapper = LocatedNode(.object([.init(key: "Parameters", keyLocation: nil,
                                               value: LocatedNode(.object([dynamic]), at: params.location))]), at: params.location)
      return (template(in: wrapper, "Parameters") ?? .empty, nil)
    }
    let bucketKey = exclusive(params, ["Bucket", "Bucket.$"])
    let keyKey = exclusive(params, ["Key", "Key.$"])
    guard let bucketKey, let keyKey else {
      error(.missingField, "the 'ItemReader' parameters need 'Path' (or 'Bucket' and 'Key')", at: params.location)
      return (.empty, nil)
    }
    guard let bucket = string(params, bucketKey), let key = string(params, keyKey) else { return (.empty, nil) }
    if bucketKey == "Bucket", keyKey == "Key" {
      let joined = bucket.value + "/" + key.value
      return ((try? PayloadTemplate(.object(["Path": .string(joined)]))) ?? .empty, joined)
    }
    func argument(_ text: String, literal: Bool) -> String {
      guard literal else { return text }
      var escaped = ""
      for c in text {
        if "'{}\\".contains(c) { escaped.append("\\") }
        escaped.append(c)
      }
      return "'\(escaped)'"
    }
    let call = "States.Format('{}/{}', \(argument(bucket.value, literal: bucketKey == "Bucket")), \(argument(key.value, literal: keyKey == "Key")))"
    do {
      return (try PayloadTemplate(.object(["Path.$": .string(call)])), nil)
    } catch {
      self.error(.invalidTemplate, "the 'Bucket' and 'Key' paths are not valid: \(error.message)", at: params.location)
      return (.empty, nil)
    }
  }

  static func inputType(forPath path: String?) -> ItemReader.InputType {
    let lowered = path?.lowercased() ?? ""
    if lowered.hasSuffix(".csv") { return .csv }
    if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return .jsonLines }
    return .json
  }
}

extension PayloadTemplate {
  /// `{}`: a placeholder where a template could not be built (the document has an error then).
  static var empty: PayloadTemplate {
    // An empty object has no `.$` member, so compiling it cannot fail.
    (try? PayloadTemplate(.emptyObject))!
  }
}
