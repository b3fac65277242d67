import Testing
@testable import FlowTraining

@Suite struct DataSplitterTests {
  let labels = (0..<100).map { $0 < 70 ? 0 : ($0 < 90 ? 1 : 2) }

  @Test func trainTest_isStratifiedAndComplete() throws {
    let split = try DataSplitter.trainTest(count: 100, testFraction: 0.2, seed: 3, stratifyBy: labels)
    #expect(split.test.count == 20)
    #expect(Set(split.train + split.test) == Set(0..<100))
    #expect(split.test.filter { labels[$0] == 0 }.count == 14)
    #expect(split.test.filter { labels[$0] == 1 }.count == 4)
    #expect(split.test.filter { labels[$0] == 2 }.count == 2)
  }

  @Test func sameSeed_sameSplit_otherSeed_otherSplit() throws {
    let a = try DataSplitter.trainTest(count: 100, testFraction: 0.3, seed: 7)
    let b = try DataSplitter.trainTest(count: 100, testFraction: 0.3, seed: 7)
    let c = try DataSplitter.trainTest(count: 100, testFraction: 0.3, seed: 8)
    #expect(a == b)
    #expect(a != c)
    #expect(a.test.count == 30)
  }

  @Test func threeWaySplit_sizes() throws {
    let split = try DataSplitter.trainValidationTest(count: 100, validationFraction: 0.1, testFraction: 0.2,
                                                     seed: 1, stratifyBy: labels)
    #expect(split.train.count == 70 && split.validation.count == 10 && split.test.count == 20)
    #expect(Set(split.train + split.validation + split.test).count == 100)
  }

  @Test func kFold_coversEveryRowOnce() throws {
    let folds = try DataSplitter.kFold(count: 100, folds: 5, seed: 2, stratifyBy: labels)
    #expect(folds.count == 5)
    #expect(folds.flatMap(\.validation).sorted() == Array(0..<100))
    for fold in folds {
      #expect(fold.validation.count == 20)
      #expect(Set(fold.train).isDisjoint(with: fold.validation))
      #expect(fold.validation.filter { labels[$0] == 2 }.count == 2)
    }
  }

  @Test func badFractions_throw() {
    #expect(throws: TrainingError.self) { try DataSplitter.trainTest(count: 10, testFraction: 1.5, seed: 0) }
    #expect(throws: TrainingError.self) { try DataSplitter.trainTest(count: 2, testFraction: 0.01, seed: 0) }
    #expect(throws: TrainingError.self) { try DataSplitter.kFold(count: 3, folds: 5, seed: 0) }
  }
}
