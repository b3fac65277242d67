// JSONata benchmark: `swift run -c release flow-jsonata-bench`. Times a few expressions with FlowJSONata and, in the
// same run, with jsonata-python (the interpreter named by $JSONATA_PYTHON, default `python3`, must have
// `pip install jsonata-python`). Prints one line per expression: milliseconds per evaluation and the ratio.
// FLOW_BENCH_ITERATIONS sets the number of timed runs (default 20), FLOW_BENCH_ONLY picks cases by name.
import FlowCore
import FlowJSONata
import Foundation

let iterations = Int(ProcessInfo.processInfo.environment["FLOW_BENCH_ITERATIONS"] ?? "") ?? 20

func makeInput() -> JSONValue {
  var orders: [JSONValue] = []
  for i in 0..<1000 {
    var products: [JSONValue] = []
    for j in 0..<5 {
      products.append(["SKU": .string("SKU-\(i)-\(j)"), "Price": .double(Double((i * 7 + j * 13) % 100) + 0.5),
                       "Quantity": .int(j + 1)])
    }
    orders.append(["OrderID": .string("order\(i)"), "Product": .array(products)])
  }
  let numbers = (0..<10_000).map { JSONValue.double(Double($0) * 0.5) }
  let words = (0..<2_000).map { JSONValue.string("word\($0)alpha") }
  return ["Account": ["Order": .array(orders)], "numbers": .array(numbers), "words": .array(words)]
}

/// `FLOW_BENCH_ONLY=predicate` keeps the cases whose name contains the text (for profiling one of them).
let only = ProcessInfo.processInfo.environment["FLOW_BENCH_ONLY"]
let cases: [(String, String)] = [
  ("baseline: input only", "1"),
  ("path with predicate", "Account.Order.Product[Price > 50].SKU"),
  ("$map with lambda", "$map(numbers, function($v) { $v * 2 })"),
  ("$sum over 10,000 numbers", "$sum(numbers)"),
  ("string functions", "$join($map(words, function($w) { $uppercase($substring($w, 0, 5)) & $string($length($w)) }), ',')"),
].filter { only == nil || $0.0.contains(only!) }

func millisPerEvaluation(_ body: () throws -> Void) rethrows -> Double {
  try body()  // warm-up
  var samples: [Double] = []
  for _ in 0..<iterations {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    samples.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
  }
  return samples.sorted()[samples.count / 2]
}

let input = makeInput()
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("flow-jsonata-bench-\(getpid()).json")
try input.serialized().write(to: scratch, atomically: true, encoding: .utf8)
defer { try? FileManager.default.removeItem(at: scratch) }

var swiftTimes: [Double] = []
for (_, source) in cases {
  let expression = try JSONataExpression(source)
  swiftTimes.append(try millisPerEvaluation { _ = try expression.evaluate(input) })
}

// The same expressions through jsonata-python, timed inside Python (median of the same number of runs).
let script = """
import json, sys, time, jsonata
data = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
for expr in json.loads(sys.argv[3]):
    e = jsonata.Jsonata(expr)
    e.evaluate(data)
    samples = []
    for _ in range(n):
        t = time.perf_counter(); e.evaluate(data); samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    print(samples[len(samples) // 2])
"""
let python = ProcessInfo.processInfo.environment["JSONATA_PYTHON"] ?? "python3"
let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
let expressionsJSON = JSONValue.array(cases.map { .string($0.1) }).serialized()
process.arguments = [python, "-c", script, scratch.path, String(max(3, iterations / 4)), expressionsJSON]
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
process.waitUntilExit()
let pythonTimes = output.split(separator: "\n").compactMap { Double($0) }

print("expression".padding(toLength: 28, withPad: " ", startingAt: 0) + "   FlowJSONata ms   jsonata-python ms   speed-up")
for (i, (name, _)) in cases.enumerated() {
  let py = i < pythonTimes.count ? pythonTimes[i] : .nan
  print(name.padding(toLength: 28, withPad: " ", startingAt: 0)
        + String(format: "%17.3f %19.3f %10.1fx", swiftTimes[i], py, py / swiftTimes[i]))
}
