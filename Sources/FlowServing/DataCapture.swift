import FlowCore
import Foundation

/// Appends a sample of requests and responses to JSON Lines files, `DIRECTORY/ENDPOINT/YYYY-MM-DD.jsonl`
/// (UTC dates), for `flow:monitor` to compare with the training baseline.
///
/// Sampling is deterministic: with fraction `f`, request number `n` (counting every successful
/// invocation) is captured when `⌊n·f⌋ > ⌊(n−1)·f⌋`, so `0.1` keeps exactly every tenth request.
/// Records are queued on the request path and written by one background thread, so a slow disk
/// never delays an answer. Each line is
/// `{"time", "endpoint", "model", "version", "features": [[...]], "predictions": [...]}`.
final class DataCapture: Sendable {
  /// Where files go.
  let directory: String
  /// The share of requests captured, 0…1.
  let fraction: Double

  private struct Record: Sendable {
    var endpoint: String
    var day: String
    var line: String
  }

  private struct Queue: Sendable {
    var counter: UInt64 = 0
    var pending: [Record] = []
    var enqueued = 0
    var written = 0
    var stopping = false
  }

  private let queue = Locked(Queue())
  private let signal = NSCondition()

  /// Starts the writer thread.
  init(directory: String, fraction: Double) {
    self.directory = directory
    self.fraction = min(1, max(0, fraction))
    let thread = Thread { [self] in writerLoop() }
    thread.name = "flow-serving-capture"
    thread.start()
  }

  /// Whether the next request is to be captured (advances the counter).
  func sample() -> Bool {
    guard fraction > 0 else { return false }
    let n = queue.withLock { queue in
      queue.counter += 1
      return queue.counter
    }
    return (Double(n) * fraction).rounded(.down) > (Double(n - 1) * fraction).rounded(.down)
  }

  /// Queues one record; `features` and `predictions` are JSON arrays already written.
  func append(endpoint: String, model: String, version: String, features: String, predictions: String, at date: Date = Date()) {
    let (day, time) = Self.timestamps(date)
    let line = "{\"time\":\"\(time)\",\"endpoint\":\(JSONText.quoted(endpoint)),\"model\":\(JSONText.quoted(model)),"
      + "\"version\":\(JSONText.quoted(version)),\"features\":\(features),\"predictions\":\(predictions)}\n"
    signal.lock()
    queue.withLock { queue in
      queue.pending.append(Record(endpoint: endpoint, day: day, line: line))
      queue.enqueued += 1
    }
    signal.signal()
    signal.unlock()
  }

  /// Waits until everything queued so far is on disk.
  func flush() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      Thread { [self] in
        signal.lock()
        let target = queue.withLock { $0.enqueued }
        while queue.withLock({ $0.written }) < target { signal.wait() }
        signal.unlock()
        continuation.resume()
      }.start()
    }
  }

  /// Writes what is queued and stops the writer thread.
  func close() async {
    await flush()
    requestStop()
  }

  private func requestStop() {
    signal.lock()
    queue.withLock { $0.stopping = true }
    signal.broadcast()
    signal.unlock()
  }

  /// The file a record of `endpoint` on `day` goes to.
  func path(endpoint: String, day: String) -> String {
    "\(directory)/\(Self.safeName(endpoint))/\(day).jsonl"
  }

  private func writerLoop() {
    var handles: [String: FileHandle] = [:]
    defer { for handle in handles.values { try? handle.close() } }
    while true {
      signal.lock()
      while queue.withLock({ $0.pending.isEmpty && !$0.stopping }) { signal.wait() }
      let (batch, stopping) = queue.withLock { queue in
        let batch = queue.pending
        queue.pending = []
        return (batch, queue.stopping)
      }
      signal.unlock()
      if batch.isEmpty, stopping { return }

      var byFile: [String: String] = [:]
      var order: [String] = []
      for record in batch {
        let path = path(endpoint: record.endpoint, day: record.day)
        if byFile[path] == nil { order.append(path) }
        byFile[path, default: ""] += record.line
      }
      for path in order {
        do {
          let handle = try handles[path] ?? Self.open(path)
          handles[path] = handle
          try handle.write(contentsOf: Data(byFile[path]!.utf8))
        } catch {
          FileHandle.standardError.write(Data("flow serve: data capture can't write '\(path)': \(error)\n".utf8))
          handles[path] = nil
        }
      }
      // A day's file is finished once the next day starts: close handles no longer written to.
      for path in handles.keys where byFile[path] == nil && !path.hasSuffix("/\(batch.last!.day).jsonl") {
        try? handles.removeValue(forKey: path)?.close()
      }
      signal.lock()
      queue.withLock { $0.written += batch.count }
      signal.broadcast()
      signal.unlock()
    }
  }

  private static func open(_ path: String) throws -> FileHandle {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    if !FileManager.default.fileExists(atPath: path) {
      _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    return handle
  }

  /// An endpoint name as a directory name: path separators and leading dots replaced.
  static func safeName(_ endpoint: String) -> String {
    var name = String(endpoint.map { $0 == "/" || $0 == "\\" || $0 == "\0" ? "_" : $0 })
    while name.hasPrefix(".") { name = "_" + name.dropFirst() }
    return name.isEmpty ? "_" : name
  }

  /// `("2025-06-01", "2025-06-01T12:34:56.789Z")` in UTC.
  static func timestamps(_ date: Date) -> (day: String, time: String) {
    let seconds = date.timeIntervalSince1970
    var whole = time_t(seconds.rounded(.down))
    let millis = Int((seconds - Double(whole)) * 1000)
    var parts = tm()
    gmtime_r(&whole, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    let day = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
    let time = "\(day)T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    return (day, time)
  }
}
