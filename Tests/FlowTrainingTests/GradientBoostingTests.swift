import Testing
@testable import FlowTraining

@Suite struct GradientBoostingTests {
  @Test func binary_separatesBlobs_andIsDeterministic() throws {
    let (x, y) = Fixtures.blobs(n: 400, classes: 2)
    let params = try GradientBoostingParameters(["max_iter": .int(30)])
    let a = try GradientBoosting.fit(x, .classes(y, classCount: 2), parameters: params, progress: nil)
    let b = try GradientBoosting.fit(x, .classes(y, classCount: 2), parameters: params, progress: nil)
    #expect(a == b)
    #expect(a.trees.count == 30)
    #expect(ClassificationMetrics.accuracy(y, a.predict(x).argmaxRows()) > 0.95)
  }

  @Test func multiclass_growsOneTreePerClass() throws {
    let (x, y) = Fixtures.blobs(n: 300, classes: 3)
    let params = try GradientBoostingParameters(["max_iter": .int(20), "max_leaf_nodes": .int(8)])
    let model = try GradientBoosting.fit(x, .classes(y, classCount: 3), parameters: params, progress: nil)
    #expect(model.trees.allSatisfy { $0.count == 3 })
    #expect(model.trees.allSatisfy { $0.allSatisfy { $0.leafCount <= 8 } })
    let p = model.predict(x)
    #expect(abs(p.row(0).reduce(0, +) - 1) < 1e-12)
    #expect(ClassificationMetrics.accuracy(y, p.argmaxRows()) > 0.9)
  }

  @Test func regression_fitsSmoothFunction() throws {
    let params = try GradientBoostingParameters(["max_iter": .int(200), "min_samples_leaf": .int(2), "learning_rate": .double(0.2)])
    let model = try GradientBoosting.fit(Fixtures.waves, .values(Fixtures.regressionWaves), parameters: params, progress: nil)
    let predicted = model.predict(Fixtures.waves).column(0)
    #expect(RegressionMetrics.r2(Fixtures.regressionWaves, predicted) > 0.95)
  }

  @Test func depthLimit_featureSubsampling_andEarlyStopping() throws {
    let (x, y) = Fixtures.blobs(n: 600, classes: 2)
    let params = try GradientBoostingParameters([
      "max_depth": .int(2), "max_features": .double(0.5), "early_stopping": .bool(true),
      "n_iter_no_change": .int(3), "max_iter": .int(500), "learning_rate": .double(0.5),
    ])
    let reports = Counter()
    let model = try GradientBoosting.fit(x, .classes(y, classCount: 2), parameters: params) { _ in reports.increment() }
    #expect(model.trees.allSatisfy { $0[0].depth <= 2 })
    #expect(model.trees.count < 500)
    #expect(reports.value >= model.trees.count)
  }

  @Test func binnedAndRawPredictionsAgree() throws {
    let (x, y) = Fixtures.blobs(n: 200, classes: 2)
    let binner = FeatureBinner(x, maxBins: 16, seed: 0)
    let bins = binner.transform(x)
    let model = try GradientBoosting.fit(x, .classes(y, classCount: 2), parameters: .init(["max_bins": .int(16), "max_iter": .int(5)]), progress: nil)
    for tree in model.trees.map({ $0[0] }) {
      bins.withUnsafeBufferPointer { b in
        x.values.withUnsafeBufferPointer { xs in
          for i in 0..<x.rows {
            #expect(tree.leaf(bins: b.baseAddress!, row: i, rows: x.rows) == tree.leaf(xs.baseAddress! + i * x.columns))
          }
        }
      }
    }
  }

  @Test func rejectsBadParameters() {
    #expect(throws: TrainingError.self) { try GradientBoostingParameters(["learning_rate": .double(0)]) }
    #expect(throws: TrainingError.self) { try GradientBoostingParameters(["max_bins": .int(1000)]) }
    #expect(throws: TrainingError.self) { try GradientBoostingParameters(["early_stopping": .string("maybe")]) }
    #expect(throws: TrainingError.self) { try GradientBoostingParameters(["max_features": .double(1.5)]) }
  }
}
