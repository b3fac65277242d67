import Testing
@testable import FlowTraining

@Suite struct KNearestNeighborsTests {
  @Test func classifiesByMajority() throws {
    let x = Matrix([[0], [0.1], [0.2], [5], [5.1], [5.2]])
    let model = try KNearestNeighbors.fit(x, .classes([0, 0, 0, 1, 1, 1], classCount: 2),
                                          parameters: .init(["n_neighbors": .int(3)]), progress: nil)
    #expect(model.predict(Matrix([[0.05], [4.9]])).argmaxRows() == [0, 1])
    #expect(model.predict(Matrix([[0.05]])).row(0) == [1, 0])
  }

  @Test func regressionAveragesNeighbours_distanceWeighted() throws {
    let x = Matrix([[0], [1], [2]])
    let uniform = try KNearestNeighbors.fit(x, .values([0, 10, 20]), parameters: .init(["n_neighbors": .int(2)]), progress: nil)
    #expect(uniform.predict(Matrix([[0.25]]))[0, 0] == 5)
    let weighted = try KNearestNeighbors.fit(x, .values([0, 10, 20]),
                                             parameters: .init(["n_neighbors": .int(2), "weights": .string("distance")]), progress: nil)
    #expect(abs(weighted.predict(Matrix([[0.25]]))[0, 0] - 2.5) < 1e-9)
  }

  @Test func digitsAccuracy() throws {
    let d = Fixtures.digitsSplit
    let model = try KNearestNeighbors.fit(d.train, .classes(d.trainLabels, classCount: 10), parameters: .init(), progress: nil)
    #expect(ClassificationMetrics.accuracy(d.testLabels, model.predict(d.test).argmaxRows()) > 0.97)
  }

  @Test func tooFewRows_throws() {
    #expect(throws: TrainingError.self) {
      try KNearestNeighbors.fit(Matrix([[0]]), .values([1]), parameters: .init(), progress: nil)
    }
  }
}
