import CSQLite

/// The SQLite handle and the code that drives it. Every access happens on `executor`'s queue, which is
/// what makes the unchecked `Sendable` sound.
final class SQLiteEngine: StatementEngine, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    /// IMMEDIATE takes the write lock up front, so a read-modify-write transaction never fails half-way
    /// with SQLITE_BUSY when another process wrote in between (busy_timeout can wait for IMMEDIATE).
    let beginStatement = "begin immediate"
    let executor: BlockingExecutor
    private var db: OpaquePointer?

    init(path: String, createIfMissing: Bool, busyTimeoutMilliseconds: Int32) throws {
        executor = BlockingExecutor(label: "shuttle.sqlite")
        db = try executor.sync { () throws -> OpaquePointer? in
            var handle: OpaquePointer?
            var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
            if createIfMissing { flags |= SQLITE_OPEN_CREATE }
            let rc = sqlite3_open_v2(path, &handle, flags, nil)
            guard rc == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite3_close_v2(handle)
                throw DatabaseError(
                    kind: .connection, message: "cannot open SQLite database at \(path): \(message)", sqliteCode: rc)
            }
            sqlite3_extended_result_codes(handle, 1)
            sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
            return handle
        }
    }

    deinit {
        if let db { sqlite3_close_v2(db) }
    }

    func close() {
        executor.sync {
            if let db { sqlite3_close_v2(db) }
            db = nil
        }
    }

    func run(_ sql: String, _ bindings: [SQLValue], inTransaction: Bool) async throws -> StatementResult {
        try await executor.run { try self.runBlocking(sql, bindings) }
    }

    /// Runs every statement in `sql` in turn, giving each the next bindings it has placeholders for.
    private func runBlocking(_ sql: String, _ bindings: [SQLValue]) throws -> StatementResult {
        guard let db else { throw DatabaseError(kind: .closed, message: "SQLite connection is closed", sql: sql) }
        var result = StatementResult(rows: [], changes: 0)
        var used = 0
        try sql.withCString { start in
            var cursor: UnsafePointer<CChar>? = start
            while let current = cursor, current.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, current, -1, &statement, &tail)
                guard rc == SQLITE_OK else { throw error(db, rc, sql) }
                cursor = tail
                guard let statement else { continue }  // only whitespace or a comment was left
                defer { sqlite3_finalize(statement) }
                let count = Int(sqlite3_bind_parameter_count(statement))
                guard used + count <= bindings.count else {
                    throw DatabaseError(
                        kind: .statement, message: "statement has more placeholders than the \(bindings.count) bindings given",
                        sql: sql)
                }
                for offset in 0..<count {
                    try bind(bindings[used + offset], at: Int32(offset + 1), in: statement, db: db, sql: sql)
                }
                used += count
                result.rows += try step(statement, db: db, sql: sql)
                result.changes = sqlite3_stmt_readonly(statement) != 0 ? 0 : Int(sqlite3_changes64(db))
            }
        }
        guard used == bindings.count else {
            throw DatabaseError(
                kind: .statement, message: "\(bindings.count) bindings given for \(used) placeholders", sql: sql)
        }
        return result
    }

    private func bind(_ value: SQLValue, at index: Int32, in statement: OpaquePointer, db: OpaquePointer, sql: String) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(statement, index)
        case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
        case .double(let v): rc = sqlite3_bind_double(statement, index, v)
        case .text(let s):
            rc = sqlite3_bind_text(statement, index, s, Int32(s.utf8.count), Self.transient)
        case .blob(let b) where b.isEmpty:
            rc = sqlite3_bind_zeroblob(statement, index, 0)
        case .blob(let b):
            rc = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
        guard rc == SQLITE_OK else { throw error(db, rc, sql) }
    }

    private func step(_ statement: OpaquePointer, db: OpaquePointer, sql: String) throws -> [SQLRow] {
        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [SQLRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw error(db, rc, sql) }
            let values = (0..<columnCount).map { column(statement, $0) }
            rows.append(SQLRow(columns: columns, values: values))
        }
    }

    /// Text that is not valid UTF-8 (PHP strings are bytes) comes back as `.blob` so no byte is lost.
    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, index))
        case SQLITE_NULL: return .null
        case SQLITE_TEXT:
            let bytes = Self.bytes(sqlite3_column_text(statement, index), sqlite3_column_bytes(statement, index))
            return String(validating: bytes, as: UTF8.self).map(SQLValue.text) ?? .blob(bytes)
        default:
            return .blob(Self.bytes(sqlite3_column_blob(statement, index), sqlite3_column_bytes(statement, index)))
        }
    }

    private static func bytes(_ pointer: UnsafeRawPointer?, _ count: Int32) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(count)))
    }

    private static func bytes(_ pointer: UnsafePointer<UInt8>?, _ count: Int32) -> [UInt8] {
        bytes(pointer.map(UnsafeRawPointer.init), count)
    }

    private func error(_ db: OpaquePointer, _ rc: Int32, _ sql: String) -> DatabaseError {
        DatabaseError(
            kind: .statement, message: String(cString: sqlite3_errmsg(db)),
            sqliteCode: sqlite3_extended_errcode(db), sql: sql)
    }

    /// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}
