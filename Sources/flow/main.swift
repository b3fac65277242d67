import FlowCommands

await (Flow.main as () async -> Void)()
