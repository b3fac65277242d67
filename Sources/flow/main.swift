import FlowCommands

await Flow.runMain()
