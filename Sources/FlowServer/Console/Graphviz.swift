import FlowCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Graphviz's C library (`libgvc` and `libcgraph`, Debian's `libgvc6`), loaded at run time with `dlopen` so that
/// building flow never needs it: lays out a DOT graph and renders it as SVG. When the library is missing,
/// ``render(dot:)`` says why and the console shows the states as a list (`FLOW_GRAPHVIZ=off` acts as if it were
/// missing).
///
/// Graphviz keeps global state, so renders are serialized; results are cached by their DOT text.
final class Graphviz: Sendable {
  static let shared = Graphviz()

  private typealias ContextFunction = @convention(c) () -> UnsafeMutableRawPointer?
  private typealias ReadFunction = @convention(c) (UnsafePointer<CChar>) -> UnsafeMutableRawPointer?
  private typealias LayoutFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafePointer<CChar>) -> Int32
  // `length` is `unsigned int *` in Graphviz 2.x and `size_t *` later: a zeroed 8-byte slot reads right either way
  // (little-endian).
  private typealias RenderFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafePointer<CChar>,
                                                      UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutableRawPointer) -> Int32
  private typealias FreeDataFunction = @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
  private typealias FreeLayoutFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int32
  private typealias CloseFunction = @convention(c) (UnsafeMutableRawPointer) -> Int32

  private struct Library: @unchecked Sendable {
    var context: UnsafeMutableRawPointer
    var read: ReadFunction
    var layout: LayoutFunction
    var render: RenderFunction
    var freeData: FreeDataFunction
    var freeLayout: FreeLayoutFunction
    var close: CloseFunction
  }

  private struct State: @unchecked Sendable {
    var library: Library?
    var problem: String?
    var loaded = false
    var cache: [String: Result<String, GraphvizError>] = [:]
  }

  private let state = Locked(State())

  /// Why the library is not available, or nil when it is (loads it on first use).
  var unavailableReason: String? {
    state.withLock { state in
      Self.load(&state)
      return state.problem
    }
  }

  /// The graph laid out by `dot` as SVG text.
  func render(dot: String) -> Result<String, GraphvizError> {
    state.withLock { state in
      Self.load(&state)
      if let cached = state.cache[dot] { return cached }
      guard let library = state.library else { return .failure(GraphvizError(message: state.problem ?? "Graphviz is not available")) }
      let result = Self.render(dot, with: library)
      if state.cache.count > 200 { state.cache.removeAll() }
      state.cache[dot] = result
      return result
    }
  }

  private static func render(_ dot: String, with library: Library) -> Result<String, GraphvizError> {
    guard let graph = dot.withCString({ library.read($0) }) else {
      return .failure(GraphvizError(message: "Graphviz could not read the graph"))
    }
    defer { _ = library.close(graph) }
    guard "dot".withCString({ library.layout(library.context, graph, $0) }) == 0 else {
      return .failure(GraphvizError(message: "Graphviz could not lay out the graph (is the dot layout plugin installed?)"))
    }
    defer { _ = library.freeLayout(library.context, graph) }
    var data: UnsafeMutablePointer<CChar>?
    var length: UInt64 = 0
    let status = withUnsafeMutablePointer(to: &length) { lengthPointer in
      "svg".withCString { library.render(library.context, graph, $0, &data, UnsafeMutableRawPointer(lengthPointer)) }
    }
    guard status == 0, let data else {
      return .failure(GraphvizError(message: "Graphviz could not render SVG (is the core render plugin installed?)"))
    }
    defer { library.freeData(data) }
    let bytes = UnsafeRawBufferPointer(start: data, count: Int(truncatingIfNeeded: length & 0xFFFF_FFFF_FFFF))
    return .success(String(decoding: bytes, as: UTF8.self))
  }

  private static func load(_ state: inout State) {
    guard !state.loaded else { return }
    state.loaded = true
    if ProcessInfo.processInfo.environment["FLOW_GRAPHVIZ"] == "off" {
      state.problem = "Graphviz is turned off (FLOW_GRAPHVIZ=off)"
      return
    }
    let flags = RTLD_NOW | RTLD_GLOBAL
    guard let cgraph = dlopen("libcgraph.so.6", flags) ?? dlopen("libcgraph.so", flags) else {
      state.problem = "Graphviz's libcgraph.so.6 could not be loaded (\(lastError())); install Debian's libgvc6 to draw the graph"
      return
    }
    guard let gvc = dlopen("libgvc.so.6", flags) ?? dlopen("libgvc.so", flags) else {
      state.problem = "Graphviz's libgvc.so.6 could not be loaded (\(lastError())); install Debian's libgvc6 to draw the graph"
      return
    }
    func symbol<T>(_ handle: UnsafeMutableRawPointer, _ name: String, as type: T.Type) -> T? {
      guard let pointer = dlsym(handle, name) else { return nil }
      return unsafeBitCast(pointer, to: type)
    }
    guard let makeContext = symbol(gvc, "gvContext", as: ContextFunction.self),
          let read = symbol(cgraph, "agmemread", as: ReadFunction.self),
          let layout = symbol(gvc, "gvLayout", as: LayoutFunction.self),
          let render = symbol(gvc, "gvRenderData", as: RenderFunction.self),
          let freeData = symbol(gvc, "gvFreeRenderData", as: FreeDataFunction.self),
          let freeLayout = symbol(gvc, "gvFreeLayout", as: FreeLayoutFunction.self),
          let close = symbol(cgraph, "agclose", as: CloseFunction.self) else {
      state.problem = "Graphviz's library lacks a function flow needs (gvContext, agmemread, gvLayout, gvRenderData)"
      return
    }
    guard let context = makeContext() else {
      state.problem = "Graphviz's gvContext() failed"
      return
    }
    state.library = Library(context: context, read: read, layout: layout, render: render, freeData: freeData,
                            freeLayout: freeLayout, close: close)
  }

  private static func lastError() -> String {
    dlerror().map { String(cString: $0) } ?? "not found"
  }
}

struct GraphvizError: Error, Sendable {
  var message: String
}
