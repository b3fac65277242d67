import FlowCore
import FlowDefinition
import FlowScheduler
import Foundation

/// A pipeline file with a `Flow.Schedule` block, loaded and read.
struct ScheduledPipeline: Sendable {
  var pipeline: Pipeline
  var schedule: Schedule

  /// The pipeline's name: the key of its slots and last tick in the store.
  var name: String { pipeline.name }

  /// The execution input of its scheduled runs: the schedule's `Input` merged over `Flow.Parameters`.
  var input: JSONValue { schedule.executionInput(merging: .object(pipeline.parameters)) }

  /// Every scheduled pipeline of ``PipelineDirectory/load(from:loader:)``, and one message per file that didn't
  /// load (so a tick can log it and go on with the others).
  ///
  /// Two files with the same pipeline name would share slots in the store, so the second is refused.
  /// - Throws: ``CLIError`` when `directory` is not a readable directory.
  static func load(from directory: String, loader: PipelineLoader) throws -> (pipelines: [ScheduledPipeline], problems: [String]) {
    var (loaded, problems) = try PipelineDirectory.load(from: directory, loader: loader)
    var pipelines: [ScheduledPipeline] = []
    var paths: [String: String] = [:]
    for pipeline in loaded {
      guard let block = pipeline.schedule else { continue }
      let schedule: Schedule
      do { schedule = try Schedule(json: block) } catch {
        problems.append("\(pipeline.path): \(error)")  // unreachable after validation; kept so a tick never traps
        continue
      }
      if let other = paths[pipeline.name] {
        problems.append("\(pipeline.path): error: pipeline name '\(pipeline.name)' is also used by \(other); "
                        + "scheduled slots are kept by name, so this file is not scheduled (set a distinct Flow.Name)")
        continue
      }
      paths[pipeline.name] = pipeline.path
      pipelines.append(ScheduledPipeline(pipeline: pipeline, schedule: schedule))
    }
    return (pipelines, problems)
  }
}

/// The pipeline files of a directory.
enum PipelineDirectory {
  /// The pipelines among the `.yaml`, `.yml` and `.json` files of `directory` (not its subdirectories, which hold
  /// scripts and data), in file name order, and one message per file that didn't load.
  /// - Throws: ``CLIError`` when `directory` is not a readable directory.
  static func load(from directory: String, loader: PipelineLoader) throws -> (pipelines: [Pipeline], problems: [String]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw CLIError("\(directory) is not a directory of pipeline files")
    }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
      throw CLIError("cannot read the directory \(directory): \(error.localizedDescription)")
    }
    let files = names.filter { !$0.hasPrefix(".") && ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension.lowercased()) }
      .sorted()
    var pipelines: [Pipeline] = []
    var problems: [String] = []
    for file in files {
      let path = directory.hasSuffix("/") ? directory + file : directory + "/" + file
      if let problem = unreadablePipelineFile(path) {
        problems.append(problem)
        continue
      }
      do { pipelines.append(try loader.load(fileAt: path)) } catch {
        problems.append(error.description)
      }
    }
    return (pipelines, problems)
  }
}
