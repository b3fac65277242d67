import FlowCore
import Dispatch
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The open connections of one server, and which of them are waiting for a request head.
///
/// Slow clients (slowloris) hold connections open by sending a request head a byte at a time. Each
/// connection's ``ConnectionGuardHandler`` closes it when its head (or body) is late, and this registry caps
/// how many connections are open: when one more arrives at the cap, the connection that has waited longest
/// for a request head is closed to make room (a connection in the middle of a request is never shed; when
/// every one is, the newcomer is). So a client that sends its request promptly, such as a `/ping` probe,
/// is always served, however many slow clients there are.
public final class ConnectionRegistry: Sendable {
  private struct Entry {
    let channel: any Channel
    /// Uptime in nanoseconds since which it has waited for a request head; `nil` while a request is in progress.
    var waitingSince: UInt64?
  }

  private let limit: Int
  private let entries = Locked([ObjectIdentifier: Entry]())
  private let shed = Locked(0)

  public init(limit: Int) { self.limit = limit }

  /// Registers a new connection; returns the connection to close when the cap is exceeded.
  func opened(_ key: ObjectIdentifier, channel: any Channel) -> (any Channel)? {
    let now = DispatchTime.now().uptimeNanoseconds
    let victim: (any Channel)? = entries.withLock { entries in
      entries[key] = Entry(channel: channel, waitingSince: now)
      guard entries.count > limit else { return nil }
      let oldest = entries.filter { $0.key != key && $0.value.waitingSince != nil }
        .min { $0.value.waitingSince! < $1.value.waitingSince! }?.key
      return entries.removeValue(forKey: oldest ?? key)?.channel
    }
    if victim != nil { shed.withLock { $0 += 1 } }
    return victim
  }

  /// Marks a connection busy (a request head arrived) or waiting (a response ended).
  func setWaiting(_ key: ObjectIdentifier, _ waiting: Bool) {
    let now = DispatchTime.now().uptimeNanoseconds
    entries.withLock { $0[key]?.waitingSince = waiting ? now : nil }
  }

  /// Forgets a closed connection (harmless when already forgotten).
  func closed(_ key: ObjectIdentifier) {
    _ = entries.withLock { $0.removeValue(forKey: key) }
  }

  /// How many connections are open.
  public var count: Int { entries.withLock { $0.count } }
  /// How many connections were closed to stay under the cap.
  public var shedCount: Int { shed.withLock { $0 } }
}

/// How long a connection may take over each part of a request.
public struct ConnectionTimeouts: Sendable {
  /// From connecting (or the end of the previous response) to a complete request head.
  public var head: Duration
  /// From the request head to the end of its body.
  public var body: Duration
  /// How long a kept-alive connection may wait for its next request.
  public var idle: Duration
  public init(head: Duration, body: Duration, idle: Duration) {
    self.head = head
    self.body = body
    self.idle = idle
  }
}

/// The body and content type of the error a server answers with: each server speaks its own error shape.
public typealias ConnectionErrorBody = @Sendable (_ status: HTTPResponse.Status, _ message: String) -> (contentType: String, body: String)

/// Guards one connection: closes it when its request head or body is late or it sits idle too long,
/// registers it with the ``ConnectionRegistry`` cap, and turns Hummingbird's empty `400` for a request it
/// can't parse into the error every other failure gets (`431` for oversized headers), shaped by `errorBody`.
///
/// It sits between the HTTP codec and Hummingbird's request handling, so it sees whole request heads.
public final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
  public typealias InboundIn = HTTPRequestPart
  public typealias InboundOut = HTTPRequestPart
  public typealias OutboundIn = HTTPResponsePart
  public typealias OutboundOut = HTTPResponsePart

  private let registry: ConnectionRegistry
  private let timeouts: ConnectionTimeouts
  private var deadline: Scheduled<Void>?
  private var registered = false
  private var parseError: HTTPParserError?
  private let errorBody: ConnectionErrorBody

  public init(registry: ConnectionRegistry, timeouts: ConnectionTimeouts, errorBody: @escaping ConnectionErrorBody) {
    self.registry = registry
    self.timeouts = timeouts
    self.errorBody = errorBody
  }

  private var key: ObjectIdentifier { ObjectIdentifier(self) }

  public func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { start(context) }
  }

  public func channelActive(context: ChannelHandlerContext) {
    start(context)
    context.fireChannelActive()
  }

  private func start(_ context: ChannelHandlerContext) {
    guard !registered else { return }
    registered = true
    registry.opened(key, channel: context.channel)?.close(promise: nil)
    arm(context, after: timeouts.head)
  }

  public func channelInactive(context: ChannelHandlerContext) {
    stop()
    context.fireChannelInactive()
  }

  public func handlerRemoved(context: ChannelHandlerContext) { stop() }

  private func stop() {
    deadline?.cancel()
    deadline = nil
    if registered { registry.closed(key) }
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head:
      registry.setWaiting(key, false)
      arm(context, after: timeouts.body)
    case .body: break
    case .end:
      deadline?.cancel()
      deadline = nil
    }
    context.fireChannelRead(data)
  }

  public func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let error = error as? HTTPParserError { parseError = error }
    context.fireErrorCaught(error)
  }

  public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch unwrapOutboundIn(data) {
    case .head(let head) where parseError != nil && head.status == .badRequest:
      // Hummingbird answers a request it can't parse with an empty 400 and closes; say what was wrong.
      let (status, message) = Self.describe(parseError!)
      let (contentType, text) = errorBody(status, message)
      let body = ByteBuffer(string: text)
      var fields = HTTPFields()
      fields[.contentType] = contentType
      fields[.contentLength] = String(body.readableBytes)
      fields[.connection] = "close"
      context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
      context.write(wrapOutboundOut(.body(body)), promise: promise)
    case .end:
      // The response is complete: the client has `idle` to start its next request.
      registry.setWaiting(key, true)
      arm(context, after: timeouts.idle)
      context.write(data, promise: promise)
    default:
      context.write(data, promise: promise)
    }
  }

  /// Closes the connection after `delay` unless re-armed or cancelled first.
  private func arm(_ context: ChannelHandlerContext, after delay: Duration) {
    deadline?.cancel()
    let channel = context.channel
    deadline = context.eventLoop.scheduleTask(in: TimeAmount(delay)) { channel.close(promise: nil) }
  }

  /// The status and message for a request the HTTP parser rejected.
  public static func describe(_ error: HTTPParserError) -> (HTTPResponse.Status, String) {
    switch error {
    case .headerOverflow:
      return (.requestHeaderFieldsTooLarge, "the request headers are too large")
    default:
      return (.badRequest, "the request is not valid HTTP/1.1 (\(error)); expected a request line such as 'POST / HTTP/1.1' and headers")
    }
  }
}
