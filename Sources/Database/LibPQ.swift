import CLibPQ

/// libpq, loaded (dlopen) the first time a PostgreSQL connection opens: see Sources/CLibPQ/shim.h for why it
/// is not linked.
enum LibPQ {
    private static let loaded: Result<ShuttleLibPQ, DatabaseError> = {
        var error: UnsafePointer<CChar>?
        let api = shuttle_libpq_load(&error)
        if let error {
            return .failure(DatabaseError(kind: .connection, message: "cannot load libpq: \(String(cString: error))"))
        }
        return .success(api)
    }()

    /// The functions, or the error saying why libpq (the `libpq5` package) could not be loaded.
    static func load() throws -> ShuttleLibPQ {
        try loaded.get()
    }
}
