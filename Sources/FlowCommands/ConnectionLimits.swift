import ArgumentParser

/// The connection limits `flow serve` and `flow server` share: how many connections, and how long each may take.
struct ConnectionLimits: ParsableArguments {
  @Option(help: ArgumentHelp("Most connections open at once; at the limit the one waiting longest for a request is closed.", valueName: "n"))
  var maxConnections = 512

  @Option(help: ArgumentHelp("Seconds a connection may take to send its request line and headers (slow clients are closed).", valueName: "seconds"))
  var headerTimeout = 10.0

  @Option(help: ArgumentHelp("Seconds a request body may take to arrive.", valueName: "seconds"))
  var bodyTimeout = 60.0

  @Option(help: ArgumentHelp("Seconds a kept-alive connection may wait for its next request.", valueName: "seconds"))
  var idleTimeout = 60.0

  func validate() throws {
    if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
    for (name, value) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)]
    where !(value > 0 && value <= 86_400) {
      throw ValidationError("\(name) must be a number of seconds between 0 and 86400")
    }
  }

  var header: Duration { .milliseconds(Int64(headerTimeout * 1000)) }
  var body: Duration { .milliseconds(Int64(bodyTimeout * 1000)) }
  var idle: Duration { .milliseconds(Int64(idleTimeout * 1000)) }
}
