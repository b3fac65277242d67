/// The ARNs flow server gives its resources, in AWS's form, under a configured region and account
/// (`arn:aws:states:local:000000000000:stateMachine:NAME` by default: obviously not AWS's).
public struct ResourceNames: Sendable, Equatable {
  public var region: String
  public var account: String

  public init(region: String = "local", account: String = "000000000000") {
    self.region = region
    self.account = account
  }

  private var prefix: String { "arn:aws:states:\(region):\(account):" }

  public func stateMachine(_ name: String) -> String { prefix + "stateMachine:" + name }
  public func execution(machine: String, name: String) -> String { prefix + "execution:" + machine + ":" + name }

  public func activity(_ name: String) -> String { prefix + "activity:" + name }

  /// The activity name of an activity ARN of this region and account.
  public func activityName(_ arn: String) -> String? {
    guard arn.hasPrefix(prefix + "activity:") else { return nil }
    let name = String(arn.dropFirst(prefix.count + "activity:".count))
    return name.isEmpty || name.contains(":") ? nil : name
  }

  /// The machine name of a state machine ARN of this region and account.
  public func stateMachineName(_ arn: String) -> String? {
    guard arn.hasPrefix(prefix + "stateMachine:") else { return nil }
    let name = String(arn.dropFirst(prefix.count + "stateMachine:".count))
    return name.isEmpty || name.contains(":") ? nil : name
  }

  /// The machine name and the qualifier (a version number or an alias name) of a state machine, version or alias
  /// ARN (`…:stateMachine:NAME`, `…:stateMachine:NAME:3`, `…:stateMachine:NAME:prod`).
  public func qualifiedStateMachine(_ arn: String) -> (name: String, qualifier: String?)? {
    guard arn.hasPrefix(prefix + "stateMachine:") else { return nil }
    let parts = arn.dropFirst(prefix.count + "stateMachine:".count).split(separator: ":", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), !parts.contains(where: \.isEmpty) else { return nil }
    return (String(parts[0]), parts.count == 2 ? String(parts[1]) : nil)
  }

  /// The machine and execution names of an execution ARN of this region and account.
  public func executionNames(_ arn: String) -> (machine: String, name: String)? {
    guard arn.hasPrefix(prefix + "execution:") else { return nil }
    let parts = arn.dropFirst(prefix.count + "execution:".count).split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    return (String(parts[0]), String(parts[1]))
  }

  /// The ARN of a Distributed Map's Map Run, `…:mapRun:MACHINE/EXECUTION:RUN-ID`: the machine and name of the
  /// execution that ran it, and the run's id.
  public func mapRun(machine: String, execution: String, runId: String) -> String {
    prefix + "mapRun:" + machine + "/" + execution + ":" + runId
  }

  /// The machine, execution name and run id of a Map Run ARN of this region and account (the execution's name
  /// may contain `/`: a Map Run child's does).
  public func mapRunNames(_ arn: String) -> (machine: String, execution: String, runId: String)? {
    guard arn.hasPrefix(prefix + "mapRun:") else { return nil }
    let rest = arn.dropFirst(prefix.count + "mapRun:".count)
    guard let slash = rest.firstIndex(of: "/"), let colon = rest.lastIndex(of: ":"), slash < colon else { return nil }
    let machine = rest[..<slash], execution = rest[rest.index(after: slash)..<colon], runId = rest[rest.index(after: colon)...]
    guard !machine.isEmpty, !machine.contains(":"), !execution.isEmpty, !runId.isEmpty else { return nil }
    return (String(machine), String(execution), String(runId))
  }

  /// Whether `name` is a valid state machine or execution name: 1 to 80 characters, none of them white space,
  /// brackets, wildcards, the special characters `" # % \ ^ | ~ ` $ & , ; : /` or control characters (AWS's rule).
  public static func isValidName(_ name: String) -> Bool {
    guard (1...80).contains(name.count) else { return false }
    let forbidden = Set("<>{}[]?*\"#%\\^|~`$&,;:/")
    return !name.unicodeScalars.contains { scalar in
      forbidden.contains(Character(scalar)) || scalar.properties.isWhitespace || (0...0x1F).contains(scalar.value)
        || (0x7F...0x9F).contains(scalar.value) || (0xFFFE...0xFFFF).contains(scalar.value)
    }
  }
}
