import Foundation
import Testing
@testable import FlowTraining

@Suite struct CSVReaderTests {
  @Test func readsNumericAndCategoricalColumns_withQuotesAndMissingValues() throws {
    let csv = "age,city,score\n31,\"Paris, FR\",1.5\nNA,Berlin,\n27,\"say \"\"hi\"\"\",-2e1\n"
    let data = try CSVReader().read(csv)
    #expect(data.rowCount == 3)
    #expect(try data.column(named: "age").values == .numeric([31, nil, 27]))
    #expect(try data.column(named: "city").values == .categorical(["Paris, FR", "Berlin", "say \"hi\""]))
    #expect(try data.column(named: "score").values == .numeric([1.5, nil, -20]))
  }

  @Test func infersCategorical_whenTextAppearsLate() throws {
    let data = try CSVReader().read("a,b\n1,2\n3,x\n")
    #expect(try data.column(named: "a").type == .numeric)
    #expect(try data.column(named: "b").values == .categorical(["2", "x"]))
  }

  @Test func handlesCRLF_blankLines_andNoTrailingNewline() throws {
    let data = try CSVReader().read("a,b\r\n1,2\r\n\r\n3,4")
    #expect(try data.column(named: "b").values == .numeric([2, 4]))
  }

  @Test func quotedFieldsMaySpanLines() throws {
    let data = try CSVReader().read("note,n\n\"two\nlines\",1\n")
    #expect(try data.column(named: "note").values == .categorical(["two\nlines"]))
  }

  @Test func parsesNumbersExactly() throws {
    let data = try CSVReader().read("x\n0.1\n123456.789\n1e-7\n-0.0000123\n12345678901234567890\n")
    #expect(try data.column(named: "x").values == .numeric([0.1, 123456.789, 1e-7, -0.0000123, 1.2345678901234567e19]))
  }

  @Test func raggedRow_reportsLine() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read("a,b\n1,2\n3\n") }
    #expect(error.code == .raggedRow)
    #expect(error.location == .init(line: 3))
    #expect(error.description.contains("line 3"))
  }

  @Test func tooManyFields_isRagged() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read("a,b\n1,2,3\n") }
    #expect(error.code == .raggedRow)
  }

  @Test func nonNumericInNumericColumn_reportsRowAndColumn() throws {
    var options = CSVReader.Options()
    options.columnTypes = ["b": .numeric]
    let error = try #require(throws: TrainingError.self) {
      try CSVReader(options: options).read("a,b\n1,2\n3,4\n5,oops\n")
    }
    #expect(error.code == .nonNumericValue)
    #expect(error.location == .init(line: 4, column: "b"))
  }

  @Test func emptyFile_isAnError() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read("\n\n") }
    #expect(error.code == .emptyFile)
  }

  @Test func unterminatedQuote_isMalformed() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read("a\n\"open\n") }
    #expect(error.code == .malformedCSV)
  }

  @Test func duplicateHeader_isMalformed() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read("a,a\n1,2\n") }
    #expect(error.code == .malformedCSV)
  }

  @Test func missingFile_isIOError() throws {
    let error = try #require(throws: TrainingError.self) { try CSVReader().read(contentsOfFile: "/no/such.csv") }
    #expect(error.code == .io)
    #expect(error.description.contains("'/no/such.csv': no such file"), "\(error)")
    #expect(!error.description.contains("NSCocoaErrorDomain"))
  }

  @Test func aDirectory_isNamedAsSuch_withoutFoundationCodes() throws {
    let directory = NSTemporaryDirectory()
    let error = try #require(throws: TrainingError.self) { try CSVReader().read(contentsOfFile: directory) }
    #expect(error.description.contains("it is a directory, not a file"), "\(error)")
    let artifact = try #require(throws: TrainingError.self) { try ModelArtifact.load(contentsOfFile: directory) }
    #expect(artifact.description.contains("it is a directory, not a file"), "\(artifact)")
    #expect(!"\(error)\(artifact)".contains("NSCocoaErrorDomain") && !"\(error)\(artifact)".contains("error 256"))
  }

  @Test func readsDigits() throws {
    let data = Fixtures.digits
    #expect(data.rowCount == 1797)
    #expect(data.columns.count == 65)
    #expect(data.columnNames.last == "target")
  }

  @Test func writerRoundTrips() throws {
    let csv = "a,b,c\n1.25,\"x,y\",\n,z,3\n"
    let data = try CSVReader().read(csv)
    #expect(try CSVReader().read(CSVWriter.text(of: data)) == data)
  }
}
