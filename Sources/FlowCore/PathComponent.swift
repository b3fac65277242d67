/// Turns names that come from a pipeline (state names, execution names) into one safe path component.
public enum PathComponent {
  /// `name` as a single file name that stays in its directory: ASCII letters, digits, `-`, `_`, space and `.` are
  /// kept, every other byte is written `%XX` (so `/` can never separate components), and a leading `.` is
  /// written `%2E` (so the result is never `.`, `..` or a hidden file). An empty name becomes `%`.
  /// Different names always give different components.
  public static func escaped(_ name: String) -> String {
    if name.isEmpty { return "%" }
    var result = ""
    for (index, byte) in name.utf8.enumerated() {
      let scalar = Unicode.Scalar(byte)
      let plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x2D || byte == 0x5F || byte == 0x20 || (byte == 0x2E && index > 0)
      if plain {
        result.unicodeScalars.append(scalar)
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        result += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return result
  }
}
