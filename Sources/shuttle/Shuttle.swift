import ArgumentParser
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

@main
struct Shuttle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shuttle",
        abstract: "A Swift worker for Laravel's Redis queue, beside the app's PHP workers.",
        version: ShuttleVersion.current,
        subcommands: [
            WorkCommand.self, DispatchCommand.self, StatusCommand.self, InspectCommand.self, FailedCommand.self, RetryCommand.self,
            ForgetCommand.self, FlushCommand.self, ClearCommand.self, AboutCommand.self, MigrateCommand.self, BenchFloorCommand.self,
            ScheduleCommand.self, DemoSeedCommand.self,
        ]
    )
}
