import FlowCore
import Foundation

/// Performs a DISTRIBUTED Map's run (``MapRunBatch``): creates the child executions ``FanOut`` asks for — queued,
/// with no owner, so any `flow worker` claims them — runs its own share of them in this process (so `flow run`
/// finishes with no worker at all), and waits for them: woken by a child ending here, else by polling the store.
///
/// `MaxConcurrency` holds across workers because only this driver creates children, and it keeps at most that
/// many unfinished. Children are named after the run and the item index (``MapRunChildName``): a resumed parent
/// finds the ones it created (and their ends) instead of creating more.
struct MapRunDriver {
  let runtime: ExecutionRuntime
  let run: MapRunBatch
  /// The parent scope's last event, which `MapRunAborted` follows from.
  let previousEvent: Int

  /// At most this many of the run's children run in the parent's own process at once.
  static let localConcurrency = 8
  /// How often the store is asked about children running elsewhere.
  static let poll: Duration = .milliseconds(200)

  private enum Wake: Sendable {
    case ranHere(String, ExecutionRecord?)
    case timer
  }

  func perform() async throws -> Result<JSONValue, StepFailure> {
    let store = runtime.store, parentId = runtime.record.id, executor = runtime.executor
    var fan = FanOut(count: run.inputs.count, maxConcurrency: run.maxConcurrency, toleratedFailures: run.toleratedFailures)
    let existing = try children()
    var unfinished: [Int: String] = [:]
    // Children running in this process report their end themselves; only the others are polled.
    var here: Set<String> = []
    var finals: [Int: ExecutionRecord] = [:]
    var ended: [(Int, ExecutionRecord)] = []
    var redriven = false
    /// A child found ended when the run started: redriven when the run re-runs it, else reached.
    func found(_ record: ExecutionRecord, _ index: Int) throws {
      guard run.redrives(record, parentRedriveCount: runtime.record.redriveCount) else { return reached(record, index) }
      if !redriven {
        redriven = true
        mapRunRedriven()
      }
      unfinished[index] = try executor.redrive(record.id, announce: false).id
    }
    func reached(_ record: ExecutionRecord, _ index: Int) {
      guard finals[index] == nil else { return }
      unfinished[index] = nil
      finals[index] = record
      ended.append((index, record))
    }
    do {
      return try await withThrowingTaskGroup(of: Wake.self) { group in
        var decision = fan.start(), runningHere = 0, timerSet = false
        while true {
          switch decision {
          case .succeeded(let results):
            do { return .success(try writeResults(.array(results), finals: finals, unfinished: unfinished)) } catch let failure as StepFailure {
              return .failure(failure)
            }
          case .failed(let failure):
            try abort(unfinished, cause: "The Map Run failed: \(failure.cause)")
            group.cancelAll()
            while (try? await group.next()) != nil {}
            // Children that were running here were handed back by the cancellation: now they abort at once.
            try abort(unfinished, cause: "The Map Run failed: \(failure.cause)")
            _ = try? writeResults(.null, finals: finals, unfinished: unfinished)
            return .failure(failure)
          case .launch(let indices):
            for index in indices {
              let child = try existing[index] ?? create(index)
              if child.status.isFinal { try found(child, index) } else { unfinished[index] = child.id }
            }
            // Launched once: the loop comes back here after each wait, and must not create, redrive or mark
            // unfinished again (from `existing`, a snapshot) a child that has moved on since.
            decision = .launch([])
          }
          if !ended.isEmpty {
            let (index, record) = ended.removeFirst()
            decision = fan.childEnded(index, Self.outcome(record))
            continue
          }
          // A cancelled parent claims no more children (the ones it ran were just handed back).
          try Task.checkCancellation()
          if runtime.options.handBack() {
            group.cancelAll()
            while (try? await group.next()) != nil {}
            throw ScopeDriver.HandedBack()
          }
          if runningHere < Self.localConcurrency {
            let now = Date().timeIntervalSince1970
            let claims = try store.claimExecutions(owner: executor.owner, limit: Self.localConcurrency - runningHere,
                                                   until: now + runtime.options.leaseSeconds, now: now,
                                                   filter: ClaimFilter(parentId: parentId))
            for claim in claims {
              runningHere += 1
              here.insert(claim.record.id)
              let id = claim.record.id
              group.addTask { .ranHere(id, try? await executor.run(claimed: claim)) }
            }
          }
          if !timerSet {
            timerSet = true
            group.addTask {
              try await Task.sleep(for: Self.poll)
              return .timer
            }
          }
          switch try await group.next() {
          case .ranHere(let id, let record)?:
            runningHere -= 1
            here.remove(id)
            if let record, record.status.isFinal, let index = index(of: record) { reached(record, index) }
          case .timer?, nil:
            timerSet = false
            for (index, id) in unfinished where !here.contains(id) {
              if let record = try store.execution(id), record.status.isFinal { reached(record, index) }
            }
          }
        }
      }
    } catch is CancellationError {
      // Stopped (`flow stop`): the run is aborted with its children. Otherwise (Ctrl-C, SIGTERM) the children
      // go on under workers, and the resumed parent finds them.
      if (try? store.execution(parentId))?.stopRequested == true {
        try? abort(unfinished, cause: "The Map Run was aborted: its parent execution was stopped")
        _ = runtime.journal.transact { next in
          let id = next()
          return ((), [HistoryEvent(id: id, previousId: previousEvent, type: .mapRunAborted, timestamp: runtime.clock.now())], nil, nil)
        }
      }
      throw CancellationError()
    }
  }

  /// Records `MapRunRedriven` in the parent's history: this run re-runs children that ended without succeeding.
  private func mapRunRedriven() {
    runtime.journal.transact { next in
      let id = next()
      let details: JSONObject = ["mapRunArn": .string(run.mapRunArn), "redriveCount": .int(runtime.record.redriveCount)]
      return ((), [HistoryEvent(id: id, previousId: previousEvent, type: .mapRunRedriven, timestamp: runtime.clock.now(), details: details)], nil, nil)
    }
  }

  /// The run's children created so far, by item index.
  private func children() throws -> [Int: ExecutionRecord] {
    var found: [Int: ExecutionRecord] = [:]
    for record in try runtime.store.children(of: runtime.record.id) {
      if let index = index(of: record) { found[index] = record }
    }
    return found
  }

  private func index(of record: ExecutionRecord) -> Int? {
    let prefix = MapRunChildName.name(parentId: runtime.record.id, prefix: run.prefix, index: 0).dropLast()
    guard record.name.hasPrefix(prefix) else { return nil }
    return Int(record.name.dropFirst(prefix.count)).flatMap { run.inputs.indices.contains($0) ? $0 : nil }
  }

  /// Creates item `index`'s child, queued; or returns it when a previous run of this parent created it already.
  private func create(_ index: Int) throws -> ExecutionRecord {
    let now = runtime.clock.now(), input = run.inputs[index]
    let record = ExecutionRecord(
      id: UUID().uuidString.lowercased(), name: MapRunChildName.name(parentId: runtime.record.id, prefix: run.prefix, index: index),
      pipeline: runtime.record.pipeline, pipelinePath: runtime.record.pipelinePath, definition: run.definition,
      input: input, startTime: now, parentId: runtime.record.id)
    let started = HistoryEvent(id: 1, previousId: 0, type: .executionStarted, timestamp: now,
                               details: EventDetails.executionStarted(input: input, roleArn: ""))
    let root = ScopeRecord(id: "root", status: .running,
                           position: Position(state: run.startAt, input: input, previousEvent: 1, variables: [:]).json)
    do {
      try runtime.store.create(record, events: [started], scopes: [root])
      return record
    } catch let error as StoreError where error.code == .constraint {
      if let created = try runtime.store.children(of: runtime.record.id).first(where: { $0.name == record.name }) { return created }
      throw error
    }
  }

  /// Stops the children still running (one that nobody runs is aborted at once).
  private func abort(_ unfinished: [Int: String], cause: String) throws {
    let now = runtime.clock.now()
    for id in unfinished.values.sorted() {
      _ = try runtime.store.requestStop(id, error: "States.MapRunAborted", cause: cause, now: now)
    }
  }

  /// A child's end as the Map sees it.
  static func outcome(_ record: ExecutionRecord) -> Result<JSONValue, StepFailure> {
    if record.status == .succeeded { return .success(record.output ?? .null) }
    return .failure(StepFailure(record.error ?? "States.\(record.status == .timedOut ? "Timeout" : "TaskFailed")",
                                cause: record.cause ?? "The child execution \(record.id) ended \(record.status.rawValue)."))
  }

  /// The Map's result: `results` as they are, or — with a ResultWriter — where the files were written (or, with
  /// `WriterConfig` alone, the results as it formats them).
  private func writeResults(_ results: JSONValue, finals: [Int: ExecutionRecord], unfinished: [Int: String]) throws -> JSONValue {
    guard let writer = run.resultWriter else { return results }
    var pending: [ExecutionRecord] = []
    for id in unfinished.values.sorted() { if let record = try runtime.store.execution(id) { pending.append(record) } }
    let files = MapRunResultFiles(run: run, writer: writer, pipeline: runtime.record.pipeline,
                                  finished: finals.keys.sorted().compactMap { finals[$0] }, pending: pending)
    guard writer.exports else { return files.preview }
    return try files.write(under: runtime.options.artifactsRoot)
  }
}
