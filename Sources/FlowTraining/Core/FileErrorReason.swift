import Foundation

/// Plain-words reasons for failed file operations (a copy of FlowCore's `FileErrorReason`: this module imports nothing).
enum FileErrorReason {
  /// Why reading or writing `path` failed, in plain words (never Foundation's `NSCocoaErrorDomain Code=260`):
  /// "no such file", "it is a directory, not a file", "permission denied", "not UTF-8 text", "no space left on the
  /// device", …
  /// - Parameters:
  ///   - error: What Foundation threw.
  ///   - path: The file it was about; its state on disk is checked first, since that is the clearest reason.
  ///   - writing: Whether the file was being written (a missing file then means a missing directory).
  static func reason(for error: any Error, path: String, writing: Bool = false) -> String {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    if !writing {
      if !exists {
        let relative = path.hasPrefix("/") ? "" : " (relative to \(FileManager.default.currentDirectoryPath))"
        return "no such file\(relative)"
      }
      if isDirectory.boolValue { return "it is a directory, not a file" }
      if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
    } else if exists, isDirectory.boolValue {
      return "it is a directory, not a file"
    }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return posixReason(Int32(ns.code)) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return posixReason(Int32(underlying.code))
    }
    if ns.domain == NSCocoaErrorDomain {
      switch ns.code {
      case CocoaError.fileReadNoSuchFile.rawValue, CocoaError.fileNoSuchFile.rawValue:
        return writing ? "its directory does not exist" : "no such file"
      case CocoaError.fileReadNoPermission.rawValue, CocoaError.fileWriteNoPermission.rawValue: return "permission denied"
      case CocoaError.fileReadInapplicableStringEncoding.rawValue, CocoaError.fileReadCorruptFile.rawValue:
        return "it is not UTF-8 text"
      case CocoaError.fileReadTooLarge.rawValue: return "it is too large to read"
      case CocoaError.fileWriteOutOfSpace.rawValue: return "no space left on the device"
      case CocoaError.fileWriteVolumeReadOnly.rawValue: return "the file system is read-only"
      case CocoaError.fileWriteFileExists.rawValue: return "a file is already there"
      default: return writing ? "it could not be written" : "it could not be read"
      }
    }
    return "\(error)"
  }

  private static func posixReason(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or directory"
    case EACCES, EPERM: return "permission denied"
    case EISDIR: return "it is a directory, not a file"
    case ENOTDIR: return "a part of the path is not a directory"
    case ENOSPC: return "no space left on the device"
    case EROFS: return "the file system is read-only"
    default: return String(cString: strerror(code)).lowercased()
    }
  }
}
