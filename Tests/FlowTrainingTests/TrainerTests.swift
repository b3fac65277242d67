import Foundation
import Testing
@testable import FlowTraining

@Suite struct TrainerTests {
  @Test func infersTask_andValidatesConfiguration() throws {
    let data = ModelArtifactTests.table
    #expect(try Trainer.train(.init(algorithm: .knn, target: "amount", features: ["a", "color"]), on: data).task == .regression)
    #expect(try Trainer.train(.init(algorithm: .knn, target: "label", features: ["a"]), on: data).task == .classification)
    let missingTarget = try #require(throws: TrainingError.self) { try Trainer.train(.init(algorithm: .knn, target: "nope"), on: data) }
    #expect(missingTarget.code == .missingColumn)
    let badParameter = try #require(throws: TrainingError.self) {
      try Trainer.train(.init(algorithm: .gradientBoosting, target: "label", hyperparameters: ["learning_rat": .double(0.1)]), on: data)
    }
    #expect(badParameter.code == .invalidHyperparameter)
    #expect(throws: TrainingError.self) { try Trainer.train(.init(algorithm: .svm, target: "amount", task: .regression), on: data) }
  }
}
