import Database

extension SparkWriter {
    /// The group's tokens, or nil when the group is gone (soft-deleted groups too: the app stops using them).
    /// `forUpdate` locks the row until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's write
    /// transaction already excludes every other writer): the per-group lock a token refresh holds, across
    /// processes and PHP alike, so one refresh token is spent once.
    public func oauthTokens(group id: String, forUpdate: Bool = false) async throws -> OAuthTokens? {
        guard Self.isUUID(id) else { return nil }
        let lock = forUpdate && dialect == .postgres ? " for update" : ""
        let sql = "select access_token, refresh_token, \(timeColumn("expiry")) as expiry from integration_groups "
            + "where id = ? and deleted_at is null limit 1" + lock
        guard let row = try await query(sql, [.text(id)]).first else { return nil }
        return OAuthTokens(accessToken: row["access_token"]?.string, refreshToken: row["refresh_token"]?.string,
                           expiry: row["expiry"]?.string.flatMap { SparkTime.parse($0)?.unix })
    }

    /// Writes a refreshed token set in one statement, so a PHP reader sees the old pair or the new one.
    public func storeOAuthTokens(_ tokens: OAuthTokens, group id: String) async throws {
        try await execute(
            "update integration_groups set access_token = ?, refresh_token = ?, expiry = ?, updated_at = ? where id = ?",
            [tokens.accessToken.map { .text($0) } ?? .null, tokens.refreshToken.map { .text($0) } ?? .null,
             tokens.expiry.map { .text(SparkTime.text(unix: $0)) } ?? .null, .text(clock.nowText), .text(id)])
    }

    /// `Integration::markAsSuccessfullyUpdated` (spec §6.1): both `last_successful_update_at` and
    /// `last_triggered_at` become now.
    public func markIntegrationSuccessfullyUpdated(_ id: String) async throws {
        let now = clock.nowText
        try await execute("update integrations set last_successful_update_at = ?, last_triggered_at = ?, updated_at = ? where id = ?",
                          [.text(now), .text(now), .text(now), .text(id)])
    }

    /// `Integration::markAsFailed`: `last_triggered_at` becomes NULL, so the next schedule run picks it up again.
    public func markIntegrationFailed(_ id: String) async throws {
        try await execute("update integrations set last_triggered_at = null, updated_at = ? where id = ?",
                          [.text(clock.nowText), .text(id)])
    }
}
