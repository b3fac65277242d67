import FlowCore
import Testing

@Suite struct CSVScannerTests {
  func records(_ text: String) throws(CSVScanner.SyntaxError) -> [(line: Int, fields: [String])] {
    try Array(text.utf8).withUnsafeBufferPointer { buffer throws(CSVScanner.SyntaxError) in
      var scanner = CSVScanner(bytes: buffer)
      return try scanner.records()
    }
  }

  @Test func splitsRecords_withQuotesDoubledQuotesAndCRLF_keepingUnquotedFieldsAsWritten() throws {
    let rows = try records("\u{FEFF}a, b ,\"c, \"\"d\"\"\"\r\n\n  \t\n\"multi\nline\",x\ny,\"\"\n")
    #expect(rows.map(\.fields) == [["a", " b ", "c, \"d\""], ["multi\nline", "x"], ["y", ""]])
    #expect(rows.map(\.line) == [1, 4, 6])
  }

  @Test func aLastRecordWithoutALineBreak_andASpaceOnlyTail_areRead() throws {
    #expect(try records("1,2\n3,4").map(\.fields) == [["1", "2"], ["3", "4"]])
    #expect(try records("1,2\n   ").map(\.fields) == [["1", "2"]])
    #expect(try records("").isEmpty)
    #expect(try records(",").map(\.fields) == [["", ""]])
  }

  @Test func malformedQuoting_isLocatedAtItsLine() {
    #expect { try records("a\n\"open\nmore") } throws: { ($0 as? CSVScanner.SyntaxError)?.line == 2 }
    let after = #expect(throws: CSVScanner.SyntaxError.self) { try records("a\n\n\"x\"y,1\n") }
    #expect(after?.line == 3)
    #expect(after?.message == "unexpected text after a closing quote")
  }

  @Test func trimmedDropsSpacesAndTabsAtBothEnds() {
    let bytes = Array(" \t 4.5\t ".utf8)
    bytes.withUnsafeBufferPointer { #expect(Array(CSVScanner.trimmed($0)) == Array("4.5".utf8)) }
  }
}
