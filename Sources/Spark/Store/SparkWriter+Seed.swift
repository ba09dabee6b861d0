import Database

extension SparkWriter {
    /// Inserts the user when its id is new (nothing else of an existing user changes). For demos and tests:
    /// the app creates users through its own sign-up. The password is not a hash, so nobody can log in as it.
    public func seedUser(id: String, name: String, email: String) async throws {
        let now = clock.nowText
        try await execute(
            """
            insert into users (id, name, email, password, created_at, updated_at) values (?, ?, ?, '!', ?, ?)
            on conflict (id) do nothing
            """,
            [.text(id), .text(name), .text(email), .text(now), .text(now)])
    }

    /// Inserts the group, or sets the tokens of the existing one (each demo run starts a fresh fake API, which
    /// knows only its initial tokens). `expiry` as `YYYY-MM-DD HH:MM:SS` UTC.
    public func seedGroup(id: String, userId: String, service: String, accessToken: String, refreshToken: String,
                          expiry: String) async throws {
        let now = clock.nowText
        try await execute(
            """
            insert into integration_groups (id, user_id, service, access_token, refresh_token, expiry, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (id) do update set access_token = excluded.access_token, refresh_token = excluded.refresh_token,
              expiry = excluded.expiry, deleted_at = null, updated_at = excluded.updated_at
            """,
            [.text(id), .text(userId), .text(service), .text(accessToken), .text(refreshToken), .text(expiry), .text(now), .text(now)])
    }

    /// Inserts the instance when its id is new; an existing one keeps its runs and rows.
    public func seedIntegration(id: String, userId: String, groupId: String, service: String, instanceType: String, name: String,
                                configuration: String) async throws {
        let now = clock.nowText
        try await execute(
            """
            insert into integrations (id, user_id, integration_group_id, service, name, instance_type, configuration, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (id) do nothing
            """,
            [.text(id), .text(userId), .text(groupId), .text(service), .text(name), .text(instanceType), .text(configuration),
             .text(now), .text(now)])
    }
}
