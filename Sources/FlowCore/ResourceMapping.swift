/// How a pipeline's `Flow.Resources` block maps AWS resources to local programs.
///
/// Keys are what a definition names: a Lambda function (its ARN, with or without a version or alias, or its
/// name) or an activity ARN. `arn:aws:states:::lambda:invoke` names its function in `Parameters.FunctionName`.
/// Each value is the `Parameters` of a `flow:exec` step (`Command`, `Env`, `WorkingDirectory`, …) without `Input`.
///
/// ```yaml
/// Flow:
///   Resources:
///     arn:aws:lambda:us-east-1:123456789012:function:score: {Command: [python3, score.py]}
///     arn:aws:states:us-east-1:123456789012:activity:approve: {Command: [./approve.sh]}
/// ```
public enum ResourceMapping {
  /// The optimized Lambda integration, which takes `FunctionName` and `Payload` and returns the invoke result.
  public static let lambdaInvoke = "arn:aws:states:::lambda:invoke"

  /// The `flow:exec` parameters `name` (a Lambda function ARN or name, or an activity ARN) is mapped to in
  /// `resources`, or `nil` when it is not mapped.
  ///
  /// A function is found under the name as given, else under its bare function name, else under any Lambda ARN
  /// key with that function name (so `score`, `score:prod` and the full ARN find each other).
  public static func lookup(_ name: String, in resources: JSONObject) -> JSONValue? {
    if let exact = resources[name] { return exact }
    guard let function = functionName(of: name) else { return nil }
    if let mapped = resources[function] { return mapped }
    return resources.first { functionName(of: $0.key) == function }?.value
  }

  /// The function name in a Lambda ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`), a partial ARN
  /// (`ACCOUNT:function:NAME`) or a bare `NAME[:QUALIFIER]`; `nil` for anything else (an activity, another service).
  public static func functionName(of name: String) -> String? {
    let parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    if let index = parts.firstIndex(of: "function"), index + 1 < parts.count, !parts[index + 1].isEmpty {
      guard !name.hasPrefix("arn:") || name.hasPrefix("arn:aws:lambda:") || name.hasPrefix("arn:aws-") else { return nil }
      return parts[index + 1]
    }
    guard !name.hasPrefix("arn:"), let first = parts.first, !first.isEmpty, parts.count <= 2 else { return nil }
    return first
  }

  /// Whether `resource` is an activity ARN (`arn:aws:states:REGION:ACCOUNT:activity:NAME`).
  public static func isActivity(_ resource: String) -> Bool {
    resource.hasPrefix("arn:aws:states:") && resource.split(separator: ":", omittingEmptySubsequences: false).dropFirst(5).first == "activity"
  }

  /// Whether `resource` (without its integration suffix) is one a `Flow.Resources` entry can map: a Lambda
  /// function ARN, an activity ARN, or the optimized Lambda integration.
  public static func isMappable(_ resource: String) -> Bool {
    resource == lambdaInvoke || resource.hasPrefix("arn:aws:lambda:")
      || (resource.hasPrefix("arn:aws:states:") && resource.contains(":activity:"))
  }
}
