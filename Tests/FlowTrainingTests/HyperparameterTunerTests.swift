import Foundation
import Testing
@testable import FlowTraining

@Suite struct HyperparameterTunerTests {
  let space = SearchSpace([
    "learning_rate": .continuous(min: 1e-4, max: 1, scaling: .logarithmic),
    "max_leaf_nodes": .integer(min: 2, max: 64),
    "kind": .categorical([.string("a"), .string("b"), .string("c")]),
  ])

  /// A synthetic objective with its optimum at learning_rate 0.01, 40 leaves, kind b.
  static func objective(_ p: [String: ParameterValue]) -> Double {
    let lr = log10(p["learning_rate"]!.number!) + 2
    let leaves = (p["max_leaf_nodes"]!.number! - 40) / 20
    return lr * lr + leaves * leaves + (p["kind"] == .string("b") ? 0 : 0.5)
  }

  @Test func scaling_mapsTheUnitIntervalOntoTheRange() {
    let log = ParameterRange.continuous(min: 1e-4, max: 1, scaling: .logarithmic)
    #expect(abs(log.value(at: 0.5).number! - 1e-2) < 1e-12)
    #expect(abs(log.position(of: .double(1e-3)) - 0.25) < 1e-12)
    let reverse = ParameterRange.continuous(min: 0.9, max: 0.999, scaling: .reverseLogarithmic)
    #expect(abs(reverse.value(at: 0.5).number! - 0.99) < 1e-9)
    let integer = ParameterRange.integer(min: 2, max: 5)
    #expect(integer.value(at: 0) == .int(2) && integer.value(at: 1) == .int(5))
    #expect(Set((0...100).map { integer.value(at: Double($0) / 100) }) == [.int(2), .int(3), .int(4), .int(5)])
  }

  @Test func invalidConfigurations_throw() {
    #expect(throws: TrainingError.self) {
      try HyperparameterTuner(.init(space: SearchSpace(["x": .continuous(min: 0, max: 1, scaling: .logarithmic)]), objective: .accuracy, maxTrials: 5))
    }
    #expect(throws: TrainingError.self) { try HyperparameterTuner(.init(space: space, objective: .accuracy, maxTrials: 0)) }
    #expect(throws: TrainingError.self) { try HyperparameterTuner(.init(space: space, strategy: .hyperband, objective: .accuracy, maxTrials: 5)) }
  }

  @Test func randomSearch_isAPureFunctionOfSeedAndFinishedTrials() throws {
    let tuner = try HyperparameterTuner(.init(space: space, strategy: .random, objective: .rmse, maxTrials: 6, maxParallelTrials: 2, seed: 9))
    let results = tuner.run { Self.objective($0.parameters) }
    #expect(results.map(\.trial.id) == Array(0..<6))
    #expect(tuner.run { Self.objective($0.parameters) } == results)
    // Resume after losing trial 4's result: the same trial is suggested again; finished ones never are.
    var resumed = results
    resumed.remove(at: 4)
    #expect(tuner.suggest(finished: resumed, running: []) == .run(results[4].trial))
    #expect(tuner.suggest(finished: results, running: []) == .done)
    #expect(tuner.suggest(finished: [], running: [results[0].trial, results[1].trial]) == .wait)
    #expect(tuner.best(results)?.objective == results.compactMap(\.objective).min())
  }

  @Test func bayesian_findsBetterTrialsThanRandom() throws {
    let bayesian = try HyperparameterTuner(.init(space: space, strategy: .bayesian, objective: .rmse, maxTrials: 40, seed: 1))
    let random = try HyperparameterTuner(.init(space: space, strategy: .random, objective: .rmse, maxTrials: 40, seed: 1))
    let tpe = bayesian.run { Self.objective($0.parameters) }
    let uniform = random.run { Self.objective($0.parameters) }
    // The last 20 TPE trials concentrate near the optimum.
    let mean = { (r: ArraySlice<TrialResult>) in r.compactMap(\.objective).reduce(0, +) / Double(r.count) }
    #expect(mean(tpe[20...]) < mean(uniform[20...]))
    #expect(try #require(bayesian.best(tpe)?.objective) < 0.6, "TPE best \(bayesian.best(tpe)!.objective!), random best \(random.best(uniform)!.objective!), means \(mean(tpe[20...])) \(mean(uniform[20...]))")
    #expect(bayesian.run { Self.objective($0.parameters) } == tpe)
  }

  @Test func hyperband_runsBracketsOfSuccessiveHalving() throws {
    let configuration = TuningConfiguration(space: space, strategy: .hyperband, objective: .rmse, maxTrials: 1000, maxParallelTrials: 4, seed: 3,
                                            resource: .init(parameter: "max_iter", min: 1, max: 9, eta: 3))
    let tuner = try HyperparameterTuner(configuration)
    #expect(tuner.brackets().map(\.counts) == [[9, 3, 1], [5, 1], [3]])
    #expect(tuner.brackets().map(\.budgets) == [[1, 3, 9], [3, 9], [9]])
    let results = tuner.run { trial in Self.objective(trial.parameters) / trial.parameters["max_iter"]!.number! }
    #expect(results.count == 9 + 3 + 1 + 5 + 1 + 3)
    // The rung-1 trials of bracket 0 are the three best of its rung 0.
    let rung0 = results.filter { $0.trial.bracket == 0 && $0.trial.rung == 0 }.sorted { $0.objective! < $1.objective! }
    let rung1 = results.filter { $0.trial.bracket == 0 && $0.trial.rung == 1 }
    var promoted = rung0.prefix(3).map(\.trial.parameters)
    for k in promoted.indices { promoted[k]["max_iter"] = .int(3) }
    #expect(Set(rung1.map(\.trial.parameters)) == Set(promoted))
    // While a rung is incomplete its promotions wait, but other brackets can start.
    let firstNine = Array(results.prefix(8))
    let running = results[8].trial
    guard case .run(let next) = tuner.suggest(finished: firstNine, running: [running]) else { Issue.record("expected a trial"); return }
    #expect(next.bracket == 1)
  }

  @Test func trialEvaluator_holdoutAndCrossValidation() throws {
    let (x, y) = Fixtures.blobs(n: 120, classes: 2)
    let data = try Dataset(columns: (0..<x.columns).map { c in .numeric("x\(c)", x.column(c).map { $0 }) } + [.numeric("y", y.map(Double.init))])
    let base = TrainingConfiguration(algorithm: .knn, target: "y")
    let trial = Trial(id: 0, parameters: ["n_neighbors": .int(3)])
    let holdout = try TrialEvaluator(base: base, objective: .accuracy).evaluate(trial, on: data)
    let cv = try TrialEvaluator(base: base, scoring: .crossValidation(folds: 3), objective: .accuracy).evaluate(trial, on: data)
    #expect(holdout > 0.8 && cv > 0.8)
    #expect(throws: TrainingError.self) { try TrialEvaluator(base: base, objective: .rmse).evaluate(trial, on: data) }
  }
}
