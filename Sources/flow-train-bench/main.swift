// flow-train-bench: fit time and test accuracy of every FlowTraining model on digits and on a
// 200,000 × 50 synthetic binary problem. Run from the package root:
//
//   swift run -c release flow-train-bench [--rows 200000] [--models svm,mlp] [--datasets digits] [--repeat 3]
//
// It writes bench/out/synthetic.csv and bench/out/<dataset>.split.json (the train/test row indices that
// bench/sklearn_compare.py reads), prints a table, then one JSON object per line.
import FlowTraining
import Foundation

let options = BenchOptions(CommandLine.arguments.dropFirst())
let root = BenchOptions.packageRoot()
let outDirectory = root + "/bench/out"
var results: [BenchResult] = []

do {
  for name in options.datasets {
    let dataset = try BenchDataset.load(name, root: root, outDirectory: outDirectory, syntheticRows: options.rows)
    print("\n== \(dataset.name): \(dataset.train.rows) train / \(dataset.test.rows) test rows, \(dataset.train.columns) features, \(dataset.classCount) classes (read in \(String(format: "%.2f", dataset.loadSeconds)) s)")
    for model in BenchModel.all where options.models.contains(model.name) {
      let result = try model.run(on: dataset, repeats: options.repeats ?? (name == "digits" ? 3 : 1))
      results.append(result)
      print(result.tableRow)
    }
  }
} catch {
  FileHandle.standardError.write(Data("flow-train-bench: \(error)\n".utf8))
  exit(1)
}
print("")
for result in results { print(result.json) }
try? results.map(\.json).joined(separator: "\n").appending("\n")
  .write(toFile: outDirectory + "/flow-results.jsonl", atomically: true, encoding: .utf8)
