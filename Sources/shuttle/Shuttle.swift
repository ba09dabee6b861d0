import ArgumentParser

@main
struct Shuttle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shuttle",
        abstract: "A Swift worker for Laravel's Redis queue, beside the app's PHP workers.",
        subcommands: [
            WorkCommand.self, DispatchCommand.self, StatusCommand.self, InspectCommand.self, FailedCommand.self, RetryCommand.self,
            ForgetCommand.self, FlushCommand.self, ClearCommand.self,
        ]
    )
}
