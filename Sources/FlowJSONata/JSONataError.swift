/// Thrown when a JSONata expression cannot be compiled or evaluated.
///
/// `code` is JSONata's error code (`S0201` for a syntax error, `T2001` for a type error, `D3001` for a dynamic
/// error, …, as jsonata-js raises them) and `position` the character offset in the expression where it was found.
public struct JSONataError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A JSONata error code such as `S0201`, `T2001` or `D3001`.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The code as JSONata spells it.
    public let rawValue: String
    /// Wraps a code string (`"D3137"` for `$error`, for example).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
  }

  /// The JSONata error code.
  public var code: Code
  /// What went wrong, in words.
  public var message: String
  /// The character offset in the expression text (1-based end of the offending token, as jsonata-js reports), if known.
  public var position: Int?
  /// The token the error was found at, if known.
  public var token: String?

  /// Creates an error.
  public init(_ code: Code, _ message: String, position: Int? = nil, token: String? = nil) {
    self.code = code
    self.message = message
    self.position = position
    self.token = token
  }

  public var description: String {
    "\(code): \(message)" + (position.map { " (at position \($0))" } ?? "")
  }
}

extension JSONataError.Code {
  static let s0101 = Self("S0101"), s0102 = Self("S0102"), s0103 = Self("S0103"), s0104 = Self("S0104")
  static let s0105 = Self("S0105"), s0106 = Self("S0106")
  static let s0201 = Self("S0201"), s0202 = Self("S0202"), s0203 = Self("S0203"), s0204 = Self("S0204")
  static let s0205 = Self("S0205"), s0206 = Self("S0206"), s0207 = Self("S0207"), s0208 = Self("S0208")
  static let s0209 = Self("S0209"), s0210 = Self("S0210"), s0211 = Self("S0211"), s0212 = Self("S0212")
  static let s0213 = Self("S0213"), s0214 = Self("S0214"), s0215 = Self("S0215"), s0216 = Self("S0216")
  static let s0217 = Self("S0217"), s0301 = Self("S0301"), s0302 = Self("S0302")
  static let s0401 = Self("S0401"), s0402 = Self("S0402")
  static let t0410 = Self("T0410"), t0411 = Self("T0411"), t0412 = Self("T0412")
  static let d1001 = Self("D1001"), d1002 = Self("D1002"), t1003 = Self("T1003"), d1004 = Self("D1004")
  static let t1005 = Self("T1005"), t1006 = Self("T1006"), t1007 = Self("T1007"), t1008 = Self("T1008")
  static let d1009 = Self("D1009"), t1010 = Self("T1010"), d1010 = Self("D1010")
  static let t2001 = Self("T2001"), t2002 = Self("T2002"), t2003 = Self("T2003"), t2004 = Self("T2004")
  static let t2006 = Self("T2006"), t2007 = Self("T2007"), t2008 = Self("T2008"), t2009 = Self("T2009")
  static let t2010 = Self("T2010"), t2011 = Self("T2011"), t2012 = Self("T2012"), t2013 = Self("T2013")
  static let d2014 = Self("D2014")
  static let d3001 = Self("D3001"), d3010 = Self("D3010"), d3011 = Self("D3011"), d3012 = Self("D3012")
  static let d3020 = Self("D3020"), d3030 = Self("D3030"), d3040 = Self("D3040"), d3050 = Self("D3050")
  static let d3060 = Self("D3060"), d3061 = Self("D3061"), d3070 = Self("D3070")
  static let d3100 = Self("D3100"), d3110 = Self("D3110"), d3120 = Self("D3120"), d3121 = Self("D3121")
  static let d3130 = Self("D3130"), d3131 = Self("D3131"), d3132 = Self("D3132"), d3133 = Self("D3133")
  static let d3134 = Self("D3134"), d3135 = Self("D3135"), d3136 = Self("D3136"), d3137 = Self("D3137")
  static let d3138 = Self("D3138"), d3139 = Self("D3139"), d3140 = Self("D3140"), d3141 = Self("D3141")
  static let u1001 = Self("U1001")
}
