import Foundation
import Testing
@testable import FlowServer

/// SigV4 verification against AWS's published test vector and a request botocore signed.
@Suite struct SigV4Tests {
  static let key = ["AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]
  /// 2015-08-30T12:36:00Z, the date of AWS's test suite.
  static let signedAt = Date(timeIntervalSince1970: 1_440_938_160)

  /// AWS's `get-vanilla` test vector (Signature Version 4 test suite).
  static let vanilla = SignedRequest(method: "GET", path: "/", headers: [
    ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
  ], body: [])

  /// A DescribeStateMachine request signed by botocore 1.43 (`SigV4Auth(credentials, "states", "us-east-1")`).
  static func botocoreSigned(body: String = #"{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:hello"}"#) -> SignedRequest {
    SignedRequest(method: "POST", path: "/", headers: [
      ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AWSStepFunctions.DescribeStateMachine"),
      ("x-amz-date", "20150830T123600Z"), ("host", "127.0.0.1:8083"),
      ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/states/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=b7f22e0f59a327ebb47324c33521eedf2a68ae1123dbb3b6c129291dc001e1a0"),
    ], body: Array(body.utf8))
  }

  @Test func awsPublishedVectorVerifies() throws {
    let verifier = SigV4Verifier(keys: Self.key, service: nil)
    #expect(try verifier.verify(Self.vanilla, now: Self.signedAt) == "AKIDEXAMPLE")
  }

  @Test func botocoreSignedRequestVerifies() throws {
    let verifier = SigV4Verifier(keys: Self.key)
    #expect(try verifier.verify(Self.botocoreSigned(), now: Self.signedAt) == "AKIDEXAMPLE")
  }

  @Test func aChangedBodyOrWrongSecretIsInvalidSignature() {
    let verifier = SigV4Verifier(keys: Self.key)
    #expect(throws: StepFunctionsError.self) { try verifier.verify(Self.botocoreSigned(body: "{}"), now: Self.signedAt) }
    do {
      _ = try SigV4Verifier(keys: ["AKIDEXAMPLE": "not the secret"]).verify(Self.botocoreSigned(), now: Self.signedAt)
      Issue.record("a wrong secret verified")
    } catch { #expect(error.type == "InvalidSignatureException") }
  }

  @Test func unknownKeyMissingHeaderAndStaleDateHaveAWSErrors() {
    func type(_ verifier: SigV4Verifier, _ request: SignedRequest, now: Date = SigV4Tests.signedAt) -> String? {
      do { _ = try verifier.verify(request, now: now); return nil } catch { return error.type }
    }
    #expect(type(SigV4Verifier(keys: ["OTHER": "x"]), Self.botocoreSigned()) == "UnrecognizedClientException")
    var unsigned = Self.botocoreSigned()
    unsigned.headers.removeAll { $0.name == "authorization" }
    #expect(type(SigV4Verifier(keys: Self.key), unsigned) == "MissingAuthenticationTokenException")
    #expect(type(SigV4Verifier(keys: Self.key), Self.botocoreSigned(), now: Self.signedAt.addingTimeInterval(3600)) == "InvalidSignatureException")
    // The vanilla vector is scoped to the service "service", not "states".
    #expect(type(SigV4Verifier(keys: Self.key), Self.vanilla) == "InvalidSignatureException")
  }

  @Test func canonicalPartsFollowTheSpecification() {
    #expect(SigV4Verifier.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
    #expect(SigV4Verifier.uriEncode("a b/ü~") == "a%20b%2F%C3%BC~")
    #expect(SigV4Verifier.foldSpaces("  a   b  ") == "a b")
  }

  @Test func credentialsFilesInJSONAndIni() throws {
    #expect(try AccessKeys.parse(#"{"AccessKeyId": "A", "SecretAccessKey": "S"}"#, path: "f") == ["A": "S"])
    #expect(try AccessKeys.parse(#"[{"accessKeyId": "A", "secretAccessKey": "S"}, {"AccessKeyId": "B", "SecretAccessKey": "T"}]"#, path: "f") == ["A": "S", "B": "T"])
    #expect(try AccessKeys.parse("[default]\naws_access_key_id = A\naws_secret_access_key = S\n[other]\naws_access_key_id=B\naws_secret_access_key=T\n", path: "f")
            == ["A": "S", "B": "T"])
    #expect(AccessKeys.fromEnvironment(["FLOW_SERVER_ACCESS_KEY_ID": "A", "FLOW_SERVER_SECRET_ACCESS_KEY": "S"]) == ["A": "S"])
  }

  @Test func aNonLoopbackAddressNeedsKeys() throws {
    var configuration = StepFunctionsServerConfiguration()
    configuration.host = "0.0.0.0"
    #expect(throws: StepFunctionsServerError.self) { try configuration.validate() }
    configuration.accessKeys = ["A": "S"]
    try configuration.validate()
    for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] { #expect(StepFunctionsServerConfiguration.isLoopback(host)) }
    for host in ["0.0.0.0", "10.0.0.1", "::", "example.com"] { #expect(!StepFunctionsServerConfiguration.isLoopback(host)) }
  }
}
