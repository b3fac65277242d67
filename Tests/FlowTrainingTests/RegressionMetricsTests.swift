import Testing
@testable import FlowTraining

/// Expected values computed with scikit-learn 1.9.
@Suite struct RegressionMetricsTests {
  @Test func matchesScikitLearn() {
    let t = [3.0, -0.5, 2.0, 7.0], p = [2.5, 0.0, 2.0, 8.0]
    #expect(abs(RegressionMetrics.rmse(t, p) - 0.6123724356957945) < 1e-12)
    #expect(RegressionMetrics.mae(t, p) == 0.5)
    #expect(abs(RegressionMetrics.r2(t, p) - 0.9486081370449679) < 1e-12)
  }
}
