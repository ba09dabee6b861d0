extension SQLConnection {
    /// `close()` for async code. Closing calls into the C library (libpq says goodbye to the server, SQLite
    /// finishes its file), which must not block the cooperative pool: it runs on a queue of its own.
    public func disconnect() async {
        _ = try? await BlockingExecutor(label: "shuttle.db.close").run { self.close() }
    }
}
