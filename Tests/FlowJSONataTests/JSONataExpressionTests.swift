import FlowCore
import FlowJSONata
import Foundation
import Testing

@Suite struct JSONataExpressionTests {
  func eval(_ source: String, _ input: JSONValue? = nil, bindings: [String: JSONValue] = [:],
            environment: JSONataEnvironment = JSONataEnvironment()) throws(JSONataError) -> JSONValue? {
    try JSONataExpression(source).evaluate(input, bindings: bindings, environment: environment)
  }

  func errorCode(_ source: String, _ input: JSONValue? = nil, environment: JSONataEnvironment = JSONataEnvironment()) -> String? {
    do {
      _ = try eval(source, input, environment: environment)
      return nil
    } catch {
      return error.code.rawValue
    }
  }

  @Test func pathsCollapseSingletonsAndKeepArraysWithBrackets() throws {
    let input = try JSONValue(parsing: #"{"a": [{"b": 1}, {"b": [2, 3]}], "c": {"b": 4}}"#)
    #expect(try eval("a.b", input) == [1, 2, 3])
    #expect(try eval("c.b", input) == 4)
    #expect(try eval("c.b[]", input) == [4])
    #expect(try eval("nothing", input) == nil)
  }

  @Test func integersComeBackAsInts() throws {
    #expect(try eval("1 + 2") == .int(3))
    #expect(try eval("0.1 + 0.2") == .double(0.30000000000000004))
    #expect(try eval("$string(0.1 + 0.2)") == "0.3")
  }

  @Test func bindingsAreVariables() throws {
    let states: JSONValue = ["input": ["x": 2]]
    #expect(try eval("$states.input.x * 10", bindings: ["states": states]) == 20)
  }

  @Test func errorsCarryCodeAndPosition() throws {
    do {
      _ = try eval(#"1 + "a""#)
      Issue.record("expected an error")
    } catch {
      #expect(error.code.rawValue == "T2002")
      #expect(error.position == 3)
    }
    #expect(errorCode("(1") == "S0203")
    #expect(errorCode("$unknown()") == "T1006")
    #expect(errorCode("1/0") == "D1001")
  }

  @Test func hugeRangeIsRefused() {
    #expect(errorCode("[1..1e10]") == "D2014")
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let open = String(repeating: "(", count: 40_000), close = String(repeating: ")", count: 40_000)
    #expect(errorCode(open + "1" + close) == "U1001")
    #expect(errorCode(String(repeating: "[", count: 40_000)) == "U1001")
    #expect(errorCode(Array(repeating: "1", count: 40_000).joined(separator: "+")) == "U1001")
    #expect(errorCode(Array(repeating: "a", count: 40_000).joined(separator: ".")) == "U1001")
  }

  @Test func runawayRecursionIsAnError() {
    #expect(errorCode("($f := function($x) { 1 + $f($x) }; $f(1))") == "U1001")
  }

  @Test func tailCallsRunInConstantStack() throws {
    let source = "($loop := function($n, $acc) { $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(20000, 0))"
    #expect(try eval(source) == 20000)
  }

  @Test func clockIsInjected() throws {
    let env = JSONataEnvironment(clock: { 1_700_000_000_000 })
    #expect(try eval("$millis()", environment: env) == 1_700_000_000_000)
    #expect(try eval("$now()", environment: env) == "2023-11-14T22:13:20.000Z")
  }

  @Test func stepFunctionsFunctions() throws {
    let env = JSONataEnvironment.stepFunctions(clock: { 0 })
    #expect(try eval("$partition([1,2,3,4,5], 2)", environment: env) == [[1, 2], [3, 4], [5]])
    #expect(try eval("$range(0, 10, 5)", environment: env) == [0, 5, 10])
    #expect(try eval(#"$hash("abc", "SHA-256")"#, environment: env)
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(try eval(#"$hash("abc", "MD5")"#, environment: env) == "900150983cd24fb0d6963f7d28e17f72")
    #expect(try eval(#"$parse('{"a": [1]}').a"#, environment: env) == [1])
    #expect(try eval("$random(42) = $random(42)", environment: env) == true)
    #expect(try eval("$length($uuid())", environment: env) == 36)
    #expect(errorCode(#"$eval("1")"#, environment: env) != nil)
  }

  @Test func extraFunctions() throws {
    let double = JSONataFunction(name: "double", signature: "<n:n>") { args in
      .double((args.first??.doubleValue ?? 0) * 2)
    }
    #expect(try eval("$double(21)", environment: JSONataEnvironment(functions: [double])) == 42)
  }

  /// Errors, not crashes, on a 512 KiB secondary-thread stack (the stack guard, not only the depth limits).
  @Test func smallThreadStackGivesErrorsNotCrashes() {
    final class Outcome: @unchecked Sendable {  // written by the thread, read after the semaphore
      var codes: [String?] = []
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let sources = [
        String(repeating: "(", count: 40_000) + "1" + String(repeating: ")", count: 40_000),
        "($f := function($x) { 1 + $f($x) }; $f(1))",
        "($f := function($x) { [$f($x)] }; $f(1))",
      ]
      for source in sources {
        do {
          _ = try JSONataExpression(source).evaluate(nil, environment: JSONataEnvironment(maxDepth: 100_000))
          outcome.codes.append(nil)
        } catch let error as JSONataError {
          outcome.codes.append(error.code.rawValue)
        } catch {
          outcome.codes.append("\(error)")
        }
      }
      done.signal()
    }
    thread.stackSize = 512 * 1024
    thread.start()
    done.wait()
    #expect(outcome.codes == ["U1001", "U1001", "U1001"])
  }

  @Test func endlessTailLoopStopsAtTheStepLimit() {
    let env = JSONataEnvironment(maxSteps: 100_000)
    #expect(errorCode("($f := function($x) { $f($x) }; $f(1))", environment: env) == "U1001")
  }
}
