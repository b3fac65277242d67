import FlowCore

/// Warns about a literal string under a key that looks like a credential (`password`, `token`, `secret`,
/// `api_key`, …) anywhere in a Task's `Parameters`: the pipeline, its stored definition and the history would hold it.
/// A secret reference (`{Secret: NAME}`), a `.$` path and an empty string are fine.
struct LiteralSecretValidator: Validator {
  /// Key fragments that name credentials, compared with the key lower-cased and without `-`, `_` and `.`.
  static let fragments = ["password", "passwd", "secret", "token", "apikey", "accesskey", "privatekey", "credential"]

  static func looksLikeCredential(_ key: String) -> Bool {
    let plain = String(key.lowercased().filter { $0 != "-" && $0 != "_" && $0 != "." && $0 != " " })
    return fragments.contains { plain.contains($0) }
  }

  func validate(_ document: PipelineDocument, into diagnostics: inout [Diagnostic]) {
    for doc in document.allStates {
      guard case .task? = doc.state?.kind, let parameters = doc.node["Parameters"] else { continue }
      check(parameters, into: &diagnostics)
    }
  }

  private func check(_ node: LocatedNode, into diagnostics: inout [Diagnostic]) {
    switch node.value {
    case .array(let items): items.forEach { check($0, into: &diagnostics) }
    case .object(let members):
      if members.count == 1, members[0].key == "Secret" { return }  // a reference, not a value
      for member in members {
        if !member.key.hasSuffix(".$"), Self.looksLikeCredential(member.key), case .string(let text) = member.value.value,
           !text.isEmpty {
          diagnostics.append(.warning(.literalSecret, "'\(member.key)' holds a literal value that looks like a credential",
                                      at: member.value.location ?? member.keyLocation,
                                      hint: "use a secret reference, {Secret: NAME}, set in FLOW_SECRET_<NAME> or the secrets file"))
        } else {
          check(member.value, into: &diagnostics)
        }
      }
    default: break
    }
  }
}
