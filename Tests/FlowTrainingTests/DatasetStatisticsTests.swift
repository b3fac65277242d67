import Testing
@testable import FlowTraining

@Suite struct DatasetStatisticsTests {
  @Test func numericAndCategoricalStatistics() throws {
    let data = try Dataset(columns: [
      .numeric("x", [1, 2, 3, 4, nil]),
      .categorical("y", ["a", "b", "a", nil, "a"]),
    ])
    let stats = try DatasetStatistics(data, target: "y")
    let x = try #require(stats.column(named: "x"))
    #expect(x.count == 4 && x.missing == 1)
    #expect(x.mean == 2.5)
    #expect(abs(x.std! - 1.2909944487358056) < 1e-12)
    #expect(x.min == 1 && x.max == 4)
    #expect(zip(x.quantiles!, [1, 1.15, 1.75, 2.5, 3.25, 3.85, 4]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(x.histogram?.reduce(0, +) == 4)
    #expect(stats.column(named: "y")?.categoryCounts == ["a": 3, "b": 1])
    #expect(stats.classCounts == ["a": 3, "b": 1])
  }
}
