import FlowTesting
import Foundation
import Testing

/// The README stays true to the code where a test can tell: every error name a built-in step raises is listed,
/// and the table of contents points at headings that exist.
@Suite struct ReadmeTests {
  let readme: String
  init() throws {
    readme = try String(contentsOf: FlowBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
  }

  /// Every Swift file under `Sources/NAME`.
  func sources(_ name: String) throws -> [String] {
    let root = FlowBinary.packageRoot.appendingPathComponent("Sources/\(name)")
    let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
    return try files.filter { $0.hasSuffix(".swift") }.map {
      try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)
    }
  }

  @Test func listsEveryErrorNameABuiltInStepRaises() throws {
    var names: Set<String> = []
    for text in try sources("FlowSteps") + sources("FlowCommands") {
      for match in text.matches(of: /StepFailure\("([A-Za-z]+\.[A-Za-z]+)"/) { names.insert(String(match.1)) }
      for match in text.matches(of: /StepFailure\("\\\(step\)\.([A-Za-z]+)"/) { names.insert("STEP.\(match.1)") }
      for match in text.matches(of: /errorName = "([A-Za-z]+\.[A-Za-z]+)"/) { names.insert(String(match.1)) }
      // TrainingError.stepFailure: `name = "InvalidData"` becomes STEP.InvalidData.
      for match in text.matches(of: /: name = "([A-Za-z]+)"$/.anchorsMatchLineEndings()) { names.insert("STEP.\(match.1)") }
    }
    #expect(names.contains("STEP.Failed"))
    #expect(names.count > 25)
    let missing = names.filter { !readme.contains("`\($0)`") }.sorted()
    #expect(missing.isEmpty, "the README does not list \(missing)")
  }

  @Test func tableOfContentsLinksResolveToHeadings() throws {
    let contents = try #require(readme.range(of: "## Contents\n"), "no table of contents")
    #expect(readme[..<contents.lowerBound].contains("swift test"), "the contents come after the two commands")
    let slugs = Set(readme.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
      line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
        .filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }
        .replacingOccurrences(of: " ", with: "-")
    })
    let section = String(readme[contents.upperBound...]).components(separatedBy: "\n## ").first ?? ""
    let links = section.matches(of: /\]\(#([^)]+)\)/).map { String($0.1) }
    #expect(links.count >= 10)
    for link in links { #expect(slugs.contains(link), "no heading for #\(link)") }
  }

  @Test func documentsInstallingTheBinaryAndFlowLogs() {
    #expect(readme.contains("swift build -c release"))
    #expect(readme.contains("`flow logs ID`"))
    #expect(readme.contains("first build"))
  }
}
