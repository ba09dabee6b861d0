import Spark

/// The `make run` demo's data: one user, a Monzo group holding the tokens the fake Monzo API starts with, and
/// the four Monzo instances, all with fixed ids so seeding again changes nothing but the group's tokens.
public enum MonzoDemo {
    public static let userId = "00000000-0000-4000-8000-0000000de001"
    public static let groupId = "00000000-0000-4000-8000-0000000de002"
    /// instance type → integration id, in the order the app creates them (the master `accounts` first).
    public static let integrations: [(type: String, id: String)] = [
        ("accounts", "00000000-0000-4000-8000-0000000de010"), ("transactions", "00000000-0000-4000-8000-0000000de011"),
        ("pots", "00000000-0000-4000-8000-0000000de012"), ("balances", "00000000-0000-4000-8000-0000000de013"),
    ]

    /// Seeds in one transaction. `expiresIn`: seconds the access token has left (the fake's default is 6 h).
    public static func seed(_ store: SparkStore, accessToken: String, refreshToken: String, expiresIn: Int,
                            updateFrequencyMinutes: Int = 5) async throws {
        let expiry = SparkTime.text(unix: store.clock.now + Int64(expiresIn))
        try await store.write { writer in
            try await writer.seedUser(id: userId, name: "Demo User", email: "demo@shuttle.invalid")
            try await writer.seedGroup(id: groupId, userId: userId, service: "monzo", accessToken: accessToken,
                                       refreshToken: refreshToken, expiry: expiry)
            for (type, id) in integrations {
                let name = type == "accounts" ? "Accounts (Master)" : type.prefix(1).uppercased() + type.dropFirst()
                try await writer.seedIntegration(id: id, userId: userId, groupId: groupId, service: "monzo", instanceType: type,
                                                 name: name, configuration: #"{"update_frequency_minutes":\#(updateFrequencyMinutes)}"#)
            }
        }
    }
}
