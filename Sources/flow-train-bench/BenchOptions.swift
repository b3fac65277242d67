import Foundation

/// Command-line options of the benchmark.
struct BenchOptions {
  var rows = 200_000
  var models = Set(BenchModel.all.map(\.name))
  var datasets = ["digits", "synthetic"]
  /// Fits per model (the fastest counts); by default 3 on digits and 1 on the large synthetic set.
  var repeats: Int? = nil

  init<S: Sequence>(_ arguments: S) where S.Element == String {
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--rows": rows = Int(iterator.next() ?? "") ?? rows
      case "--models": models = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
      case "--datasets": datasets = (iterator.next() ?? "").split(separator: ",").map(String.init)
      case "--repeat": repeats = Int(iterator.next() ?? "").map { max(1, $0) }
      default:
        FileHandle.standardError.write(Data("usage: flow-train-bench [--rows N] [--models a,b] [--datasets digits,synthetic] [--repeat N]\n".utf8))
        exit(2)
      }
    }
  }

  /// The package root: the nearest directory upwards from the working directory that has data/digits.csv.
  static func packageRoot() -> String {
    var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("data/digits.csv").path) { return url.path }
      url.deleteLastPathComponent()
    }
    return FileManager.default.currentDirectoryPath
  }
}
