/// The one error type thrown by `FlowTraining`.
///
/// Every failure carries a stable ``code`` (for programs) and a human-readable ``message``
/// (for people). Data errors also say where the problem is, as a 1-based row and a column name.
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A stable, extensible identifier for the kind of failure.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String {
      case emptyFile = "empty-file"
      case raggedRow = "ragged-row"
      case nonNumericValue = "non-numeric-value"
      case malformedCSV = "malformed-csv"
      case missingColumn = "missing-column"
      case invalidArgument = "invalid-argument"
      case invalidHyperparameter = "invalid-hyperparameter"
      case featureMismatch = "feature-mismatch"
      case invalidArtifact = "invalid-artifact"
      case unsupportedVersion = "unsupported-version"
      case io = "io"
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }
    /// The file has no header row.
    public static let emptyFile = Code(.emptyFile)
    /// A row has a different number of fields than the header.
    public static let raggedRow = Code(.raggedRow)
    /// A value in a numeric column does not parse as a number.
    public static let nonNumericValue = Code(.nonNumericValue)
    /// The CSV text is malformed (for example an unterminated quoted field).
    public static let malformedCSV = Code(.malformedCSV)
    /// A named column (target or feature) is not in the data set.
    public static let missingColumn = Code(.missingColumn)
    /// An argument is out of range or inconsistent with the data.
    public static let invalidArgument = Code(.invalidArgument)
    /// A hyperparameter is unknown, of the wrong type or out of range.
    public static let invalidHyperparameter = Code(.invalidHyperparameter)
    /// Data given to a fitted model does not have the features it was trained on.
    public static let featureMismatch = Code(.featureMismatch)
    /// A model artifact can't be read (truncated, not JSON, missing fields).
    public static let invalidArtifact = Code(.invalidArtifact)
    /// A model artifact has a format version this library does not read.
    public static let unsupportedVersion = Code(.unsupportedVersion)
    /// Reading or writing a file failed.
    public static let io = Code(.io)
    /// The code as printed in messages, for example `ragged-row`.
    public var description: String { kind.rawValue }
  }

  /// Where in a data file the problem is (1-based data row, counting the header as row 1).
  public struct Location: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line of the file (the header is line 1).
    public var line: Int
    /// The column name, when known.
    public var column: String?
    /// Creates a location.
    public init(line: Int, column: String? = nil) {
      self.line = line
      self.column = column
    }
    /// `line 12, column 'age'`.
    public var description: String {
      column.map { "line \(line), column '\($0)'" } ?? "line \(line)"
    }
  }

  /// What kind of failure this is.
  public var code: Code
  /// What went wrong, in words.
  public var message: String
  /// Where in the input the problem is, for data errors.
  public var location: Location?
  /// The error that caused this one, described (errors from Foundation are not `Sendable`).
  public var underlying: String?

  /// Creates an error.
  public init(_ code: Code, _ message: String, at location: Location? = nil, underlying: String? = nil) {
    self.code = code
    self.message = message
    self.location = location
    self.underlying = underlying
  }

  /// `error: [ragged-row] line 3: expected 4 fields, found 3`.
  public var description: String {
    var text = "[\(code)] "
    if let location { text += "\(location): " }
    text += message
    if let underlying { text += " (\(underlying))" }
    return text
  }
}
