import Foundation
import Logging

/// Keeps a ``ModelTable`` in step with an ``EndpointSource``: polls it, loads changed targets in the
/// background, and swaps each one in once it is ready.
///
/// One poll loop owns the bookkeeping (which loads are running, which failed), so the actor never
/// awaits a load while holding it: loads run on a Dispatch queue and report back.
actor EndpointWatcher {
  private let source: any EndpointSource
  private let table: ModelTable
  private let metrics: PrometheusMetrics
  private let filter: Set<String>?
  private let logger: Logger
  private let retryInterval: Duration
  private var loading: [String: EndpointTarget] = [:]
  private var failed: [String: (target: EndpointTarget, retryAt: ContinuousClock.Instant)] = [:]
  private var lastSourceError: String?

  init(source: any EndpointSource, table: ModelTable, metrics: PrometheusMetrics, filter: Set<String>?,
       retryInterval: Duration, logger: Logger) {
    self.source = source
    self.table = table
    self.metrics = metrics
    self.filter = filter
    self.retryInterval = retryInterval
    self.logger = logger
  }

  /// Loads every endpoint once, before the server listens.
  /// - Throws: ``ServingError``: `endpoint-source`, or `model-load` for the first artifact that can't be loaded.
  func loadInitial() async throws(ServingError) {
    let desired: [String: EndpointTarget]
    do { desired = try currentTargets() } catch let error as ServingError { throw error } catch {
      throw ServingError(.endpointSource, "can't list endpoints", underlying: "\(error)")
    }
    for (endpoint, target) in desired { table.markPending(endpoint, target) }
    let results = await withTaskGroup(of: Result<LoadedModel, ServingError>.self) { group in
      for (endpoint, target) in desired {
        group.addTask { await Self.load(endpoint: endpoint, target: target) }
      }
      return await group.reduce(into: []) { $0.append($1) }
    }
    for result in results {
      switch result {
      case .success(let model):
        table.install(model)
        metrics.recordLoad(endpoint: model.endpoint, success: true)
        logger.info("endpoint '\(model.endpoint)' serves \(model.target)")
      case .failure(let error):
        throw error
      }
    }
  }

  /// Polls the source every `interval` until the task is cancelled.
  func run(every interval: Duration) async {
    while !Task.isCancelled {
      do { try await Task.sleep(for: interval) } catch { return }
      poll()
    }
  }

  /// Compares the source's table with what is served and starts the loads needed.
  func poll() {
    let desired: [String: EndpointTarget]
    do {
      desired = try currentTargets()
      if lastSourceError != nil { logger.info("the endpoint source answers again") }
      lastSourceError = nil
    } catch {
      let message = "\(error)"
      if message != lastSourceError { logger.error("can't list endpoints, keeping the current ones: \(message)") }
      lastSourceError = message
      return
    }
    let status = table.snapshot
    for endpoint in status.keys where desired[endpoint] == nil {
      table.remove(endpoint)
      failed[endpoint] = nil
      logger.info("endpoint '\(endpoint)' removed")
    }
    let now = ContinuousClock.now
    for (endpoint, target) in desired {
      if status[endpoint]?.serving?.target == target { failed[endpoint] = nil; continue }
      if loading[endpoint] == target { continue }
      if let failure = failed[endpoint], failure.target == target, now < failure.retryAt { continue }
      loading[endpoint] = target
      table.markPending(endpoint, target)
      logger.info("endpoint '\(endpoint)': loading \(target)")
      Task { [weak self] in
        let result = await Self.load(endpoint: endpoint, target: target)
        await self?.finished(endpoint: endpoint, target: target, result: result)
      }
    }
  }

  private func finished(endpoint: String, target: EndpointTarget, result: Result<LoadedModel, ServingError>) {
    if loading[endpoint] == target { loading[endpoint] = nil }
    switch result {
    case .success(let model):
      // Only swap in what the source still wants: it may have moved on while this loaded.
      guard (try? currentTargets())?[endpoint] == target else { return }
      let previous = table.snapshot[endpoint]?.serving?.target
      table.install(model)
      failed[endpoint] = nil
      metrics.recordLoad(endpoint: endpoint, success: true)
      let replacing = previous.map { ", replacing \($0.modelName) v\($0.version)" } ?? ""
      logger.info("endpoint '\(endpoint)' now serves \(target)\(replacing)")
    case .failure(let error):
      failed[endpoint] = (target, ContinuousClock.now.advanced(by: retryInterval))
      table.markFailed(endpoint, target, error.description)
      metrics.recordLoad(endpoint: endpoint, success: false)
      logger.error("endpoint '\(endpoint)' keeps its current model: \(error)")
    }
  }

  private func currentTargets() throws -> [String: EndpointTarget] {
    let all = try source.endpoints()
    guard let filter else { return all }
    return all.filter { filter.contains($0.key) }
  }

  /// Reads an artifact on a thread of its own: decoding a large model takes a while, the cooperative
  /// pool's few threads are the ones answering requests, and Dispatch's global queues can be slow to
  /// add a thread when theirs are busy. Loads are rare, so a thread each costs nothing.
  private static func load(endpoint: String, target: EndpointTarget) async -> Result<LoadedModel, ServingError> {
    await withCheckedContinuation { continuation in
      let thread = Thread {
        continuation.resume(returning: Result { () throws(ServingError) in try LoadedModel.load(endpoint: endpoint, target: target) })
      }
      thread.name = "flow-serving-load"
      thread.start()
    }
  }
}
