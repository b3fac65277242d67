import FlowCore
import Foundation

/// `flow:exec`: runs a local program, like SageMaker's script mode.
///
/// Parameters:
/// - `Command` (required): the program and its arguments, as an array of strings (`[python3, scripts/prepare.py]`),
///   or one string run by `/bin/sh -c`.
/// - `Input`: the value written to the program's stdin as JSON (default: `{}`).
/// - `Env`: extra environment variables (an object of strings).
/// - `WorkingDirectory`: where the program runs (default: the current directory).
/// - `ErrorName`: the error a non-zero exit raises (default `Exec.NonZeroExit`).
/// - `MaxOutputBytes`: the most stdout may hold (default 262144).
///
/// The program's stdout must be JSON (empty stdout means `null`) and becomes the task's result. It sees
/// `FLOW_EXECUTION_ID`, `FLOW_STATE`, `FLOW_ATTEMPT`, `FLOW_IDEMPOTENCY_KEY` and `FLOW_ARTIFACTS_DIR`.
/// Its stderr goes to the log and to `stderr-N.log` (mode 0600) in the artifacts directory (mode 0700), with the
/// values of referenced secrets (`{"Secret": NAME}` in `Env`, `Command` or `Input`) masked as `***`. When the task times out or is
/// stopped, the program's whole process group is killed. The program gets exactly stdin, stdout and stderr, an
/// empty signal mask and default signal actions; when flow was killed during an attempt, the next attempt first
/// kills whatever that attempt's process group left running (``ProcessGroupLedger``).
public struct ExecStep: Step {
  public init() {}

  public func run(_ input: JSONValue, context: StepContext) async throws -> JSONValue {
    let spec = try ExecSpec(input)
    do {
      try FileManager.default.createDirectory(at: context.artifactsDirectory, withIntermediateDirectories: true,
                                              attributes: [.posixPermissions: 0o700])
    } catch {
      let path = context.artifactsDirectory.path
      throw StepFailure("Exec.Failed", cause: "cannot create the artifacts directory \(path): \(FileErrorReason.reason(for: error, path: path, writing: true))")
    }
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_EXECUTION_ID"] = context.executionId
    environment["FLOW_STATE"] = context.stateName
    environment["FLOW_ATTEMPT"] = String(context.attempt)
    environment["FLOW_IDEMPOTENCY_KEY"] = context.idempotencyKey
    environment["FLOW_ARTIFACTS_DIR"] = context.artifactsDirectory.path
    environment.merge(spec.environment) { $1 }

    // An interrupted earlier attempt may have left processes running (see ProcessGroupLedger): end them first.
    let ledger = ProcessGroupLedger(checkpoints: context.checkpoints)
    try await ledger.killLeftovers()
    let result = try await ChildProcess.run(
      spec.command, environment: environment, workingDirectory: spec.workingDirectory,
      stdin: Array((spec.input.serialized() + "\n").utf8), maxStdout: spec.maxOutputBytes, ledger: ledger)
    // Secrets the parameters referenced are masked in everything kept or shown of the program's output.
    let stderr = SecretResolver.mask(String(decoding: result.stderr, as: UTF8.self), context.secrets)
    let log = context.artifactsDirectory.appendingPathComponent("stderr-\(context.attempt).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: Data(stderr.utf8), attributes: [.posixPermissions: 0o600])
    context.logger.log(level: result.status == 0 ? .debug : .info, "\(context.stateName): \(spec.command.joined(separator: " ")) exited with status \(result.status)")
    for line in stderr.split(separator: "\n").suffix(20) { context.logger.info("\(context.stateName) stderr: \(line)") }

    if result.stdoutOverflowed {
      throw StepFailure("Exec.OutputTooLarge", cause: "\(spec.command[0]) printed more than \(spec.maxOutputBytes) bytes on stdout")
    }
    guard result.status == 0 else {
      let tail = String(stderr.suffix(1000)).trimmingCharacters(in: .whitespacesAndNewlines)
      throw StepFailure(spec.errorName, cause: tail.isEmpty ? "\(spec.command[0]) exited with status \(result.status)" : tail)
    }
    let stdout = SecretResolver.mask(String(decoding: result.stdout, as: UTF8.self), context.secrets)
    if stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .null }
    do {
      return try JSONValue(parsing: stdout)
    } catch {
      throw StepFailure("Exec.InvalidOutput",
                        cause: "\(spec.command[0]) printed output that is not JSON (\(error)): \(stdout.prefix(200))")
    }
  }
}

/// The validated parameters of `flow:exec`.
struct ExecSpec {
  var command: [String]
  var input: JSONValue
  var environment: [String: String] = [:]
  var workingDirectory: String?
  var errorName = "Exec.NonZeroExit"
  var maxOutputBytes = 256 * 1024

  static let fields: Set<String> = ["Command", "Input", "Env", "WorkingDirectory", "ErrorName", "MaxOutputBytes"]

  init(_ parameters: JSONValue) throws {
    func invalid(_ message: String) -> StepFailure { StepFailure("Exec.InvalidParameters", cause: message) }
    guard case .object(let fields) = parameters else { throw invalid("flow:exec needs Parameters with a Command") }
    if let unknown = fields.keys.first(where: { !Self.fields.contains($0) }) {
      throw invalid("unknown parameter '\(unknown)' (expected one of \(Self.fields.sorted().joined(separator: ", ")))")
    }
    switch fields["Command"] {
    case .string(let line)?: command = ["/bin/sh", "-c", line]
    case .array(let parts)? where !parts.isEmpty:
      command = try parts.map {
        guard case .string(let part) = $0 else { throw invalid("Command must be an array of strings") }
        return part
      }
    default: throw invalid("Command is required: an array of strings or a shell command line")
    }
    input = fields["Input"] ?? .emptyObject
    if let env = fields["Env"] {
      guard case .object(let values) = env else { throw invalid("Env must be an object of strings") }
      for (key, value) in values {
        switch value {
        case .string(let s): environment[key] = s
        case .int, .double, .bool: environment[key] = value.serialized()
        default: throw invalid("Env.\(key) must be a string")
        }
      }
    }
    if let directory = fields["WorkingDirectory"] {
      guard case .string(let path) = directory else { throw invalid("WorkingDirectory must be a string") }
      workingDirectory = path
    }
    if let name = fields["ErrorName"] {
      guard case .string(let text) = name, !text.isEmpty else { throw invalid("ErrorName must be a non-empty string") }
      errorName = text
    }
    if let limit = fields["MaxOutputBytes"] {
      guard let bytes = limit.intValue, bytes > 0 else { throw invalid("MaxOutputBytes must be a positive integer") }
      maxOutputBytes = bytes
    }
  }
}
