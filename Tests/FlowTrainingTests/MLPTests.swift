import Testing
@testable import FlowTraining

@Suite struct MLPTests {
  @Test func classification_learnsBlobs_andIsDeterministic() throws {
    let (x, y) = Fixtures.blobs(n: 300, classes: 3)
    let params = try MLPParameters(["hidden_layer_sizes": .string("16,8"), "max_iter": .int(60), "learning_rate_init": .double(0.01)])
    let a = try MLP.fit(x, .classes(y, classCount: 3), parameters: params, progress: nil)
    let b = try MLP.fit(x, .classes(y, classCount: 3), parameters: params, progress: nil)
    #expect(a == b)
    #expect(a.layers.map(\.outputs) == [16, 8, 3])
    #expect(ClassificationMetrics.accuracy(y, a.predict(x).argmaxRows()) > 0.9)
  }

  @Test func regression_fitsWaves() throws {
    let params = try MLPParameters(["hidden_layer_sizes": .int(32), "max_iter": .int(500), "learning_rate_init": .double(0.01),
                                    "batch_size": .int(16)])
    let model = try MLP.fit(Fixtures.waves, .values(Fixtures.regressionWaves), parameters: params, progress: nil)
    #expect(RegressionMetrics.r2(Fixtures.regressionWaves, model.predict(Fixtures.waves).column(0)) > 0.8)
  }

  @Test func earlyStopping_stopsAndReportsValidationScore() throws {
    let (x, y) = Fixtures.blobs(n: 400, classes: 2)
    let epochs = Counter()
    let params = try MLPParameters(["hidden_layer_sizes": .int(8), "early_stopping": .bool(true), "max_iter": .int(500),
                                    "n_iter_no_change": .int(3), "learning_rate_init": .double(0.01)])
    _ = try MLP.fit(x, .classes(y, classCount: 2), parameters: params) { report in
      if report.metrics["validation_score"] != nil { epochs.increment() }
    }
    #expect(epochs.value > 0 && epochs.value < 500)
  }

  @Test func rejectsBadParameters() {
    #expect(throws: TrainingError.self) { try MLPParameters(["hidden_layer_sizes": .string("10,x")]) }
    #expect(throws: TrainingError.self) { try MLPParameters(["learning_rate_init": .double(-1)]) }
  }
}
