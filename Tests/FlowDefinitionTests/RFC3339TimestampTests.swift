import Foundation
import Testing

@testable import FlowDefinition

@Suite struct RFC3339TimestampTests {
  @Test(arguments: [
    "2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00.123456789123+05:30", "2024-02-29T23:59:59-08:00",
    "0001-01-01T00:00:00Z",
  ])
  func acceptsValidTimestamps(_ text: String) {
    #expect(RFC3339Timestamp(text) != nil)
  }

  @Test(arguments: [
    "2016-03-14", "2016-03-14T01:59:00", "2016-03-14t01:59:00Z", "2016-03-14T01:59:00z", "2016-03-14 01:59:00Z",
    "2023-02-29T00:00:00Z", "2016-13-01T00:00:00Z", "2016-03-14T24:00:00Z", "2016-03-14T01:60:00Z", "2016-03-14T01:59:60Z",
    "2016-03-14T01:59:00.Z", "2016-03-14T01:59:00+0530", "2016-03-14T01:59:00+24:00", "16-03-14T01:59:00Z", "",
  ])
  func rejectsInvalidTimestamps(_ text: String) {
    #expect(RFC3339Timestamp(text) == nil)
  }

  @Test func comparesInstantsAcrossOffsetsAndPrecision() throws {
    let utc = try #require(RFC3339Timestamp("2025-01-31T09:30:00Z"))
    #expect(RFC3339Timestamp("2025-01-31T10:30:00+01:00") == utc)
    #expect(RFC3339Timestamp("2025-01-31T09:30:00.000Z") == utc)
    #expect(try #require(RFC3339Timestamp("2025-01-31T09:30:00.0000000001Z")) > utc)
    #expect(try #require(RFC3339Timestamp("2025-01-31T09:29:59.999Z")) < utc)
    #expect(utc.epochSeconds == 1_738_315_800)
    #expect(utc.date == Date(timeIntervalSince1970: 1_738_315_800))
  }
}
