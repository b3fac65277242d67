import ArgumentParser
import FlowCore
import FlowScheduler
import Foundation

extension Flow {
  /// `flow schedule list|install|remove`: scheduled pipelines and their crontab line.
  struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "schedule",
      abstract: "List scheduled pipelines, or install or remove the cron line that ticks them.",
      subcommands: [List.self, Install.self, Remove.self])
  }
}

extension Flow.ScheduleCommand {
  /// `flow schedule list [DIR]`.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show each scheduled pipeline: its cron, time zone, next five fire times and last scheduled run.")

    @Argument(help: "The directory of pipeline files.", completion: .directory)
    var directory = "pipelines"

    @Option(help: "How many next fire times to show.")
    var count = 5

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
      if count < 0 { throw ValidationError("--count must not be negative") }
    }

    func run() async throws {
      let (pipelines, problems) = try ScheduledPipeline.load(from: directory, loader: storeOptions.loader)
      problems.forEach { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
      let store = try storeOptions.openStore()
      let listing = try ScheduleListing.make(pipelines, store: store, now: Date(), count: count)
      print(json ? ScheduleListing.json(listing).serialized(pretty: true) : ScheduleListing.text(listing))
      if !problems.isEmpty { throw ExitCode.validationFailure }
    }
  }

  /// Options shared by `install` and `remove`.
  struct CrontabOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The crontab command to run (default: crontab, found on PATH).", valueName: "path"))
    var crontabCommand = "crontab"

    var client: CrontabClient { CrontabClient(executable: crontabCommand) }
  }

  /// `flow schedule install [--dry-run] [DIR]`.
  struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a line to your crontab that runs `flow tick` every minute for this project.",
      discussion: """
        The line lives in a block between '# BEGIN flow managed block' and '# END flow managed block'; every \
        other line of the crontab is kept as it is. It uses absolute paths (the flow binary, the store, the \
        pipelines directory) so it works in cron's minimal environment, and appends the tick's output to \
        tick.log next to the store. Installing again replaces this project's line; other projects' lines stay.
        """)

    @Argument(help: "The directory of pipeline files to tick.", completion: .directory)
    var directory = "pipelines"

    @Flag(help: "Print the crontab that would be written, and change nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The flow binary cron runs (default: this one).", valueName: "path"))
    var flowBinary: String?

    @OptionGroup var crontab: CrontabOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let (pipelines, problems) = try ScheduledPipeline.load(from: directory, loader: storeOptions.loader)
      problems.forEach { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
      if !problems.isEmpty { throw ExitCode.validationFailure }
      let installation = CronInstallation(directory: directory, storePath: storeOptions.storePath, localDirectory: storeOptions.localDirectory.path,
                                        flowExecutable: flowBinary)
      if !dryRun {
        // The line appends to the log with `>>`, which fails, and with it the tick, if the folder is missing.
        let folder = (installation.log as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
          throw CLIError("cannot create \(folder) for the tick log: \(error.localizedDescription)")
        }
      }
      let result: (line: String, crontab: Crontab, changed: Bool, unread: ScheduleError?)
      do { result = try installation.install(with: crontab.client, write: !dryRun) } catch {
        throw CLIError(error.description)
      }
      if let unread = result.unread {
        FileHandle.standardError.write(Data("""
          note: cannot read your crontab (\(unread.message)); showing the managed block alone. \
          `flow schedule install` needs the `crontab` command (Debian: apt-get install cron).

          """.utf8))
      }
      if dryRun {
        print(result.crontab.text, terminator: "")
        return
      }
      print(result.changed ? "installed in your crontab: \(result.line)" : "already in your crontab: \(result.line)")
      print(pipelines.isEmpty
        ? "no pipeline in \(directory) has a Flow.Schedule block yet: ticks will start nothing until one does"
        : "\(pipelines.count) scheduled pipeline(s): \(pipelines.map(\.name).joined(separator: ", ")); see `flow schedule list`")
    }
  }

  /// `flow schedule remove [DIR]`.
  struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove this project's `flow tick` line from your crontab (the whole managed block with --all).")

    @Argument(help: "The directory of pipeline files the line ticks.", completion: .directory)
    var directory = "pipelines"

    @Flag(help: "Remove the whole managed block, every project's line.")
    var all = false

    @OptionGroup var crontab: CrontabOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
      let installation = CronInstallation(directory: directory, storePath: storeOptions.storePath, localDirectory: storeOptions.localDirectory.path)
      let removed: Bool
      do { removed = try installation.remove(with: crontab.client, all: all) } catch {
        throw CLIError(error.description)
      }
      if !removed {
        print("nothing to remove: your crontab has no flow line for this project")
      } else {
        print(all ? "removed the flow managed block from your crontab" : "removed this project's flow line from your crontab")
      }
    }
  }
}
