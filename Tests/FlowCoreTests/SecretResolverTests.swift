import FlowCore
import Foundation
import Testing

@Suite struct SecretResolverTests {
  @Test func resolvesReferencesAnywhere_fromTheEnvironment() throws {
    let resolver = SecretResolver(environment: ["FLOW_SECRET_API_KEY": "k1", "FLOW_SECRET_DB": "p2"])
    let (value, secrets) = try resolver.resolve(["Env": ["A": ["Secret": "api-key"]], "List": [["Secret": "db"], "x"],
                                                 "NotAReference": ["Secret": "db", "Other": 1]])
    #expect(value == ["Env": ["A": "k1"], "List": ["p2", "x"], "NotAReference": ["Secret": "db", "Other": 1]])
    #expect(secrets == ["k1", "p2"])
  }

  @Test func unknownName_failsWithSecretNotFound() {
    #expect(throws: StepFailure.self) { try SecretResolver(environment: [:]).resolve(["Secret": "nope"]) }
  }

  @Test func masksValuesInTextAndJSON() {
    #expect(SecretResolver.mask("key=abc123 again abc123", ["abc123"]) == "key=*** again ***")
    #expect(SecretResolver.mask(["a": ["x abc123"]], ["abc123"]) == ["a": ["x ***"]])
  }
}

@Suite struct PathComponentTests {
  @Test(arguments: ["../../../../tmp/x", "..", ".", ".hidden", "a/b", "", "%2F", "/"])
  func escapedName_isOneComponentThatStaysInItsDirectory(name: String) {
    let escaped = PathComponent.escaped(name)
    #expect(!escaped.contains("/") && escaped != "." && escaped != ".." && !escaped.hasPrefix(".") && !escaped.isEmpty)
  }

  @Test func plainNamesAreKept_andDifferentNamesStayDifferent() {
    #expect(PathComponent.escaped("Train model-2_v1.0") == "Train model-2_v1.0")
    #expect(PathComponent.escaped("a/b") != PathComponent.escaped("a%2Fb"))
  }
}
