import ArgumentParser

/// The `flow` command line: `flow run`, `flow status`, `flow history`, … Each subcommand is a type nested here.
public struct Flow: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "flow",
    abstract: "Run Step Functions-style ML pipelines durably on one machine.",
    discussion: "Pipelines are Amazon States Language state machines in YAML or JSON; every transition is committed to one SQLite file.",
    version: "0.1.0",
    subcommands: [
      Run.self, Status.self, History.self, Logs.self, Resume.self, Redrive.self, Stop.self, TaskCommand.self,
      Validate.self, Graph.self, ScheduleCommand.self, Tick.self, Scheduler.self, ModelsCommand.self, EndpointsCommand.self,
      Serve.self, Server.self, Eval.self, Worker.self,
    ])

  public init() {}
}

extension Flow {
  /// Parses the command line and runs the chosen command, exiting with its status.
  /// (Called from `main.swift`; ArgumentParser's own async `main()` is not reachable from top-level code.)
  public static func runMain() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}
