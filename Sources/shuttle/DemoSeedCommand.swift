import ArgumentParser
import Database
import Monzo
import Spark

/// `shuttle demo-seed` (hidden; `make run` calls it): a demo user, a Monzo group with the fake API's tokens and the
/// four Monzo instances, into the app's default database, which must hold Spark's tables (`shuttle migrate`).
struct DemoSeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo-seed", abstract: "Seed the make-run demo's Monzo user, group and instances.",
                                                    shouldDisplay: false)

    @OptionGroup var app: AppOptions
    @Option(help: "The group's access token (the fake Monzo API's --access-token).") var accessToken = "fake-access-token"
    @Option(help: "The group's refresh token (the fake's --refresh-token).") var refreshToken = "fake-refresh-token"
    @Option(help: "Seconds the access token has left.") var expiresIn = 21_600

    func run() async throws {
        let connection: any SQLConnection
        do {
            let config = try app.configuration()
            connection = try await DatabaseConfiguration.named(nil, environment: config.environment.variables, appRoot: app.appRoot).connect()
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { connection.close() }
        do {
            guard case .compatible = try await SparkSchemaCheck.check(connection) else {
                throw CommandFailure("the database has no Spark tables: run shuttle migrate first")
            }
            let clock = try SparkClock.fromEnvironment(app.configuration().environment.variables, logger: app.logger())
            try await MonzoDemo.seed(SparkStore(database: SingleSessionDatabase(connection), clock: clock),
                                     accessToken: accessToken, refreshToken: refreshToken, expiresIn: expiresIn)
            app.logger().info("seeded the demo: a user, a Monzo group and its four instances",
                              metadata: ["user": "\(MonzoDemo.userId)", "group": "\(MonzoDemo.groupId)"])
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
