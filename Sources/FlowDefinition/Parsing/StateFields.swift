/// Which fields each state type accepts, in each query language.
enum StateFields {
  static let types = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]

  private static let common = ["Type", "Comment", "QueryLanguage"]
  private static let io = ["InputPath", "OutputPath"]
  private static let transition = ["Next", "End"]
  private static let errorHandling = ["Retry", "Catch"]

  /// The fields a state of `type` accepts, or `nil` for an unknown type.
  static func allowed(for type: String) -> [String]? {
    switch type {
    case "Pass": common + io + transition + ["Parameters", "ResultPath", "Result", "Assign"]
    case "Task":
      common + io + transition + errorHandling + [
        "Resource", "Parameters", "ResultSelector", "ResultPath", "TimeoutSeconds", "TimeoutSecondsPath",
        "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign",
      ]
    case "Choice": common + io + ["Choices", "Default", "Assign"]
    case "Wait": common + io + transition + ["Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"]
    case "Succeed": common + io
    case "Fail": common + ["Error", "ErrorPath", "Cause", "CausePath"]
    case "Parallel": common + io + transition + errorHandling + ["Branches", "Parameters", "ResultSelector", "ResultPath", "Assign"]
    case "Map":
      common + io + transition + errorHandling + [
        "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters", "MaxConcurrency", "MaxConcurrencyPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount",
        "ToleratedFailureCountPath", "ItemBatcher", "ItemReader", "ResultWriter", "Label", "ResultSelector",
        "ResultPath", "Assign",
      ]
    default: nil
    }
  }

  /// The fields a state of `type` accepts in the JSONata query language, or `nil` for an unknown type.
  static func allowedJSONata(for type: String) -> [String]? {
    let data = ["Output", "Assign"]
    switch type {
    case "Pass": return common + transition + data
    case "Task":
      return common + transition + errorHandling + data + ["Resource", "Arguments", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"]
    case "Choice": return common + data + ["Choices", "Default"]
    case "Wait": return common + transition + data + ["Seconds", "Timestamp"]
    case "Succeed": return common + ["Output"]
    case "Fail": return common + ["Error", "Cause"]
    case "Parallel": return common + transition + errorHandling + data + ["Branches", "Arguments"]
    case "Map":
      return common + transition + errorHandling + data + [
        "ItemProcessor", "Iterator", "Items", "ItemSelector", "MaxConcurrency", "ToleratedFailurePercentage",
        "ToleratedFailureCount", "ItemBatcher", "ItemReader", "ResultWriter", "Label",
      ]
    default: return nil
    }
  }

  /// Every field of some state type: one of these on the wrong type is "not allowed" rather than "unknown".
  static let all: Set<String> = Set(types.flatMap { (allowed(for: $0) ?? []) + (allowedJSONata(for: $0) ?? []) })

  /// Fields that exist only with `QueryLanguage: JSONata`.
  static let jsonataOnly: Set<String> = ["Arguments", "Output", "Items", "Condition"]

  /// Fields that exist only with `QueryLanguage: JSONPath`.
  static let jsonPathOnly: Set<String> = [
    "InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector", "Result", "ItemsPath", "TimeoutSecondsPath",
    "HeartbeatSecondsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "Variable",
  ]
}
