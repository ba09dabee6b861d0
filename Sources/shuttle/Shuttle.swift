import ArgumentParser

@main
struct Shuttle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shuttle",
        abstract: "A Swift worker for Laravel's Redis queue."
    )
}
