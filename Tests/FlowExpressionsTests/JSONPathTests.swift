import FlowCore
import FlowExpressions
import Testing

/// Expected values follow the Jayway JsonPath documentation's examples on its "store" document,
/// and the Step Functions rules for reference paths.
@Suite struct JSONPathTests {
  static let store: JSONValue = try! JSONValue(
    parsing: """
      {"store": {
        "book": [
          {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
          {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
          {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
          {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
        ],
        "bicycle": {"color": "red", "price": 19.95}
      },
      "expensive": 10}
      """)

  func query(_ text: String, _ document: JSONValue = store) throws -> JSONValue? {
    try JSONPath(text).evaluate(in: EvaluationScope(input: document))
  }

  func titles(_ text: String) throws -> [String] {
    guard case .array(let books)? = try query(text) else { return [] }
    return books.compactMap { $0["title"]?.stringValue }
  }

  @Test func referencePathsSelectOneNode() throws {
    #expect(try query("$.store.bicycle.color") == "red")
    #expect(try query("$['store']['bicycle'][\"price\"]") == 19.95)
    #expect(try query("$.store.book[1].author") == "Evelyn Waugh")
    #expect(try query("$.store.book[-1].title") == "The Lord of the Rings")
    #expect(try query("$") == Self.store)
    #expect(try query("$.expensive") == 10)
  }

  @Test func missingReferencePathsGiveNil() throws {
    #expect(try query("$.nope") == nil)
    #expect(try query("$.store.book[4]") == nil)
    #expect(try query("$.store.book[-5]") == nil)
    #expect(try query("$.expensive.more") == nil)
    #expect(try query("$.store[0]") == nil)
  }

  @Test func isReferencePathOnlyForNamesAndIndexes() throws {
    for text in ["$", "$.a", "$.a.b[0]", "$['a b'][3]", "$$.Execution.Id", "$x", "$x.y[0]", "$.a[-1]"] {
      #expect(try JSONPath(text).isReferencePath, "\(text)")
    }
    for text in ["$.a[*]", "$.a.*", "$..a", "$.a[0,1]", "$.a[1:2]", "$.a['b','c']", "$.a[?(@.b)]"] {
      #expect(try !JSONPath(text).isReferencePath, "\(text)")
    }
  }

  @Test func roots() throws {
    #expect(try JSONPath("$.a").root == .input)
    #expect(try JSONPath("$$.Execution.Id").root == .context)
    #expect(try JSONPath("$$").root == .context)
    #expect(try JSONPath("$my_var2.x").root == .variable("my_var2"))
    let scope = EvaluationScope(
      input: ["a": 1], context: ["Execution": ["Id": "exec-1"]], variables: ["x": ["y": [true, false]]])
    #expect(try JSONPath("$$.Execution.Id").evaluate(in: scope) == "exec-1")
    #expect(try JSONPath("$$").evaluate(in: scope) == ["Execution": ["Id": "exec-1"]])
    #expect(try JSONPath("$x.y[1]").evaluate(in: scope) == false)
    #expect(try JSONPath("$x").evaluate(in: scope) == ["y": [true, false]])
    #expect(try JSONPath("$undefined").evaluate(in: scope) == nil)
    #expect(try JSONPath("$").evaluate(in: scope) == ["a": 1])
  }

  @Test func wildcardsAndDeepScan() throws {
    #expect(
      try query("$.store.book[*].author")
        == ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])
    #expect(try query("$..author") == ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])
    #expect(try query("$.store..price") == [8.95, 12.99, 8.99, 22.99, 19.95])
    #expect(try query("$.store.bicycle.*") == ["red", 19.95])
    #expect(try query("$.store.bicycle[*]") == ["red", 19.95])
    #expect(try titles("$..book[2]") == ["Moby Dick"])
    #expect(try titles("$..book[-2]") == ["Moby Dick"])
    #expect(try query("$..nothing") == [])
  }

  @Test func deepScanWildcardVisitsEveryNodeOnce() throws {
    let document: JSONValue = ["a": ["b": 1, "c": [2, 3]], "d": 4]
    #expect(try query("$..*", document) == [["b": 1, "c": [2, 3]], 1, [2, 3], 2, 3, 4])
  }

  @Test func slicesAndUnions() throws {
    #expect(try titles("$..book[0,1]") == ["Sayings of the Century", "Sword of Honour"])
    #expect(try titles("$..book[:2]") == ["Sayings of the Century", "Sword of Honour"])
    #expect(try titles("$..book[1:2]") == ["Sword of Honour"])
    #expect(try titles("$..book[-2:]") == ["Moby Dick", "The Lord of the Rings"])
    #expect(try titles("$..book[2:]") == ["Moby Dick", "The Lord of the Rings"])
    #expect(try titles("$.store.book[::2]") == ["Sayings of the Century", "Moby Dick"])
    #expect(try titles("$.store.book[::-1]").first == "The Lord of the Rings")
    #expect(try query("$.store.bicycle['color','price']") == ["red", 19.95])
    #expect(try query("$.store.bicycle['color','nope']") == ["red"])
    #expect(try query("$.store.book[0,9].price") == [8.95])
  }

  @Test func filters() throws {
    #expect(try titles("$..book[?(@.isbn)]") == ["Moby Dick", "The Lord of the Rings"])
    #expect(try titles("$..book[?(!@.isbn)]") == ["Sayings of the Century", "Sword of Honour"])
    #expect(try titles("$.store.book[?(@.price < 10)]") == ["Sayings of the Century", "Moby Dick"])
    #expect(try titles("$..book[?(@.price <= $['expensive'])]") == ["Sayings of the Century", "Moby Dick"])
    #expect(try titles("$..book[?(@.price > 20 || @.category == 'reference')]") == [
      "Sayings of the Century", "The Lord of the Rings",
    ])
    #expect(try titles("$..book[?(@.category == \"fiction\" && @.price >= 12.99)]") == [
      "Sword of Honour", "The Lord of the Rings",
    ])
    #expect(try titles("$..book[?((@.price < 9 || @.price > 22) && @.isbn)]") == ["Moby Dick", "The Lord of the Rings"])
    #expect(try titles("$..book[?(@.author =~ /.*REES/i)]") == ["Sayings of the Century"])
    #expect(try titles("$..book[?(@.category in ['reference', 'poetry'])]") == ["Sayings of the Century"])
    #expect(try titles("$..book[?(@.category nin ['fiction'])]") == ["Sayings of the Century"])
    #expect(try titles("$..book[?(@.isbn != '0-553-21311-3')]").count == 3)
    #expect(try query("$.store.book[?(@.price > 100)]") == [])
    #expect(try query("$.store.book[?(@.price < 10)].title") == ["Sayings of the Century", "Moby Dick"])
  }

  @Test func filterLiteralsAndCurrentNode() throws {
    let document: JSONValue = [
      "items": [["n": 1, "ok": true, "tag": nil], ["n": 2, "ok": false, "tag": "x"], ["n": 3, "ok": true]],
      "numbers": [1, 2, 3],
    ]
    #expect(try query("$.numbers[?(@ > 1)]", document) == [2, 3])
    #expect(try query("$.items[?(@.ok == true)].n", document) == [1, 3])
    #expect(try query("$.items[?(@.tag == null)].n", document) == [1])
    #expect(try query("$.items[?(@.n == 2.0)].tag", document) == ["x"])
    #expect(try query("$.items[?(@.n > -1 && @.n < 2)].n", document) == [1])
    // A filter on an object applies to the object itself, as in Jayway.
    #expect(try query("$.items[0][?(@.ok)]", document) == [["n": 1, "ok": true, "tag": nil]])
  }

  @Test func stepFunctionsStyleFilterOnStatus() throws {
    let input: JSONValue = ["users": [["year": 1997, "status": 0], ["year": 1998, "status": 1]]]
    #expect(try query("$.users[?(@.status == 0)]", input) == [["year": 1997, "status": 0]])
    let items: JSONValue = ["items": [["n": 1], ["n": 2], ["n": 3]]]
    #expect(try query("$.items[?(@.n > 1)].n", items) == [2, 3])
    #expect(try query("$.items[0:2].n", items) == [1, 2])
    #expect(try query("$.items[*].n", items) == [1, 2, 3])
  }

  /// Jayway, and so Step Functions, read `$.[…]` as `$[…]` (AWS's pass_result_regex_json_path machine uses it).
  @Test func dotBeforeBracket() throws {
    let users: JSONValue = [
      ["year": 1997, "name": "User1997"], ["year": 1998, "name": "User1998"], ["year": 1999, "last": "User1999"],
    ]
    #expect(try query("$[?(@.year <= 1998)].name", users) == ["User1997", "User1998"])
    #expect(try query("$.[?(@.year < 1999)].name", users) == ["User1997", "User1998"])
    #expect(try query("$.[0].year", users) == 1997)
    #expect(try JSONPath("$.[0]").isReferencePath)
  }

  /// Step Functions accepts Jayway functions in a definition but never finds their value.
  @Test func functionsSelectNothing() throws {
    let path = try JSONPath("$.Jobs.sum()")
    #expect(!path.isReferencePath)
    #expect(path.evaluate(in: EvaluationScope(input: ["Jobs": [1, 2]])) == nil)
    #expect(try query("$.store.book[?(@.title.length() > 3)]") == [])
  }

  @Test func namesMayHoldPunctuation() throws {
    let document: JSONValue = ["my-key": ["a:b": 1, "with space": 2, "quote'd": 3]]
    #expect(try query("$.my-key.a:b", document) == 1)
    #expect(try query("$['my-key']['with space']", document) == 2)
    #expect(try query("$['my-key']['quote\\'d']", document) == 3)
  }

  @Test(arguments: [
    "", "a.b", ".a", "$.", "$..", "$.a.", "$[", "$[0", "$['a'", "$[]", "$[a]", "$.a[?(@.x <)]", "$.a[?(@.x == 1]",
    "$.a.length(", "$ .a", "$.a b", "$[1:2:0]", "$[-]",
  ])
  func syntaxErrors(_ text: String) {
    #expect(throws: ExpressionSyntaxError.self) { try JSONPath(text) }
  }

  @Test func invalidPathCauseNamesTheMissingStep() throws {
    let scope = EvaluationScope(input: ["a": ["b": 1]])
    #expect(try JSONPath("$.nope").invalidPathCause(in: scope) == "Invalid path '$.nope' : No results for path: $['nope']")
    #expect(
      try JSONPath("$.a.c").invalidPathCause(in: scope) == "Invalid path '$.a.c' : No results for path: $['a']['c']")
    #expect(
      try JSONPath("$.x.y.z").invalidPathCause(in: scope) == "Invalid path '$.x.y.z' : Missing property in path $['x']")
    #expect(try JSONPath("$.a[0]").normalizedText == "$['a'][0]")
  }

  @Test func equalityIsByText() throws {
    #expect(try JSONPath("$.a") == JSONPath("$.a"))
    #expect(try JSONPath("$.a") != JSONPath("$['a']"))
    #expect(try JSONPath("$.a.b").description == "$.a.b")
  }
}
