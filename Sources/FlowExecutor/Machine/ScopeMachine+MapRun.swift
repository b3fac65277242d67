import FlowCore
import FlowDefinition
import Foundation

/// A DISTRIBUTED Map's run (a Map Run): its items run as child executions that any worker may claim.
///
/// The machine only decides: it names the children (``MapRunChildName``, from the map state's child prefix and
/// the item index, so a resumed parent finds the children it created), and turns the run's end into
/// `MapRunSucceeded`/`MapRunFailed` and the Map's result. Which children to create next is ``FanOut``'s decision;
/// the driver (``MapRunDriver``) creates them, runs its own share and waits.
struct MapRunBatch: Sendable, Equatable {
  /// The run's id: path-safe, the same each time the parent reaches this visit of the state.
  var mapRunId: String
  var mapRunArn: String
  /// The middle part of the children's names (``MapRunChildName/name(parentId:prefix:index:)``).
  var prefix: String
  /// Each child's input, in item order.
  var inputs: [JSONValue]
  /// Unfinished children at once, across every worker; 0 is no limit.
  var maxConcurrency: Int
  var toleratedFailures: Int?
  /// The children's pipeline document (the item processor as a state machine), JSON text.
  var definition: String
  /// The processor's first state.
  var startAt: String
  var resultWriter: ResultWriter?
  /// True when the Map state starts this run (its first start, or re-entered by a redrive); false when a parent
  /// that crashed or was handed back continues it. Only a run that starts afresh redrives children
  /// (``redrives(_:parentRedriveCount:)``).
  var startsAfresh = true
}

extension ScopeMachine {
  /// The run of a DISTRIBUTED Map over `inputs` (selected and batched already). `MapRunStarted` is written on the
  /// first start only; a resumed parent continues the same run.
  mutating func startMapRun(_ state: State, _ map: MapState, document: JSONValue, inputs: [JSONValue], limit: Int,
                            tolerance: Int?) -> StepResult {
    let fresh: Bool
    if case .children = position.phase { fresh = false } else { fresh = true }
    if fresh {
      let started = event(.mapStateStarted, EventDetails.mapStateStarted(length: inputs.count))
      position.phase = .children(started: started)
    }
    let prefix = childPrefix(state)
    let digest = HashAlgorithm.sha256.hexDigest(Array("\(execution.executionId)/\(prefix)".utf8))
    let mapRunId = "\(PathComponent.escaped(state.name))-\(digest.prefix(16))"
    let pipeline = execution.stateMachineObject["Name"]?.stringValue ?? ""
    let run = MapRunBatch(
      mapRunId: mapRunId, mapRunArn: "arn:flow:states:local:0:mapRun:\(pipeline)/\(mapRunId)", prefix: prefix,
      inputs: inputs, maxConcurrency: limit, toleratedFailures: tolerance, definition: document.serialized(),
      startAt: map.processor.startAt, resultWriter: map.resultWriter, startsAfresh: fresh)
    if fresh { event(.mapRunStarted, ["mapRunArn": .string(run.mapRunArn)]) }
    return .effect(.runMapRun(run))
  }

  /// The Map Run ended: with the Map's result (the children's outputs in item order, or where ResultWriter wrote
  /// them), or failed (more children failed than tolerated).
  mutating func mapRunEnded(_ result: Result<JSONValue, StepFailure>) throws -> StepResult {
    switch result {
    case .success: event(.mapRunSucceeded)
    case .failure(let failure): event(.mapRunFailed, EventDetails.failure(error: failure.error, cause: failure.cause))
    }
    return try joined(result)
  }
}

extension MapRunBatch {
  /// Whether a child this run finds already ended, when it starts, is run again: when the parent was redriven after
  /// the child's end (AWS's Map Run redrive re-runs the children that did not succeed, and keeps the results of
  /// those that did).
  ///
  /// Only children found when the run starts afresh qualify, each once per redrive of its parent (its redrive count
  /// then equals the parent's): a child that fails during the run — created by it, or redriven by it — counts as a
  /// failure of this run, and a parent that resumes after a crash re-runs nothing (a child it left unredriven
  /// counts as failed, and the next redrive runs it).
  func redrives(_ child: ExecutionRecord, parentRedriveCount: Int) -> Bool {
    startsAfresh && child.status.isFinal && child.status != .succeeded && child.redriveCount < parentRedriveCount
  }
}
