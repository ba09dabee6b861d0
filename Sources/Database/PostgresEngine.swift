import CLibPQ
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libpq handle and the code that drives it. Every access happens on `executor`'s queue, which is
/// what makes the unchecked `Sendable` sound.
final class PostgresEngine: StatementEngine, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    let beginStatement = "begin"
    let executor: BlockingExecutor
    /// libpq's functions (loaded on the first connection).
    private let pq: ShuttleLibPQ
    private var conn: OpaquePointer?
    private var closed = false

    init(configuration: PostgresConfiguration) async throws {
        executor = BlockingExecutor(label: "shuttle.postgres")
        let pq = try await executor.run { try LibPQ.load() }
        self.pq = pq
        let parameters = configuration.libpqParameters
        let target = "\(configuration.host):\(configuration.port)/\(configuration.database)"
        conn = try await executor.run { try Self.connect(pq, parameters, target: target) }.pointer
    }

    deinit {
        if let conn { pq.PQfinish(conn) }
    }

    func close() {
        executor.sync {
            if let conn { pq.PQfinish(conn) }
            conn = nil
            closed = true
        }
    }

    func run(_ sql: String, _ bindings: [SQLValue], inTransaction: Bool) async throws -> StatementResult {
        let prepared = dialect.prepare(sql)
        return try await executor.run { try self.runBlocking(prepared, original: sql, bindings, inTransaction: inTransaction) }
    }

    /// Outside a transaction a broken session is re-established (PQreset) and the statement retried once,
    /// as Laravel does after a lost connection; inside one the error surfaces, since the work is gone.
    private func runBlocking(_ sql: String, original: String, _ bindings: [SQLValue], inTransaction: Bool) throws
        -> StatementResult
    {
        guard let conn, !closed else {
            throw DatabaseError(kind: .closed, message: "PostgreSQL connection is closed", sql: original)
        }
        if pq.PQstatus(conn) != CONNECTION_OK && !inTransaction { pq.PQreset(conn) }
        do {
            return try exec(conn, sql, original: original, bindings)
        } catch let error as DatabaseError where !inTransaction && pq.PQstatus(conn) == CONNECTION_BAD {
            pq.PQreset(conn)
            guard pq.PQstatus(conn) == CONNECTION_OK else { throw error }
            return try exec(conn, sql, original: original, bindings)
        }
    }

    private func exec(_ conn: OpaquePointer, _ sql: String, original: String, _ bindings: [SQLValue]) throws
        -> StatementResult
    {
        let params = bindings.map(Self.parameter)
        let buffers = params.map { p -> UnsafeMutablePointer<CChar>? in
            guard let bytes = p.bytes else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { buffer.update(from: $0.baseAddress!, count: bytes.count) }
            }
            buffer[bytes.count] = 0
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let values = buffers.map { $0.map { UnsafePointer($0) } }
        let lengths = params.map { Int32($0.bytes?.count ?? 0) }
        let formats = params.map { $0.binary ? Int32(1) : Int32(0) }
        guard
            let result = pq.PQexecParams(conn, sql, Int32(params.count), nil, values, lengths, formats, 0)
        else {
            throw connectionError(conn, sql: original)
        }
        defer { pq.PQclear(result) }
        let status = pq.PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            if status != PGRES_FATAL_ERROR && status != PGRES_NONFATAL_ERROR {
                throw DatabaseError(kind: .statement, message: "unexpected libpq result status \(status.rawValue)", sql: original)
            }
            let state = field(result, Self.diagSQLState)
            let message = field(result, Self.diagMessagePrimary) ?? Self.text(pq.PQerrorMessage(conn))
            let lost = pq.PQstatus(conn) == CONNECTION_BAD
            throw DatabaseError(kind: lost ? .connection : .statement, message: message, sqlState: state, sql: original)
        }
        return StatementResult(rows: rows(result), changes: Int(Self.text(pq.PQcmdTuples(result))) ?? 0)
    }

    private func connectionError(_ conn: OpaquePointer, sql: String) -> DatabaseError {
        let message = Self.text(pq.PQerrorMessage(conn))
        let lost = pq.PQstatus(conn) == CONNECTION_BAD
        return DatabaseError(
            kind: lost ? .connection : .statement, message: message.isEmpty ? "libpq returned no result" : message, sql: sql)
    }

    /// A bound value in libpq's terms: text format for everything but blobs, which go as binary bytea.
    private struct Parameter {
        var bytes: [UInt8]?
        var binary: Bool
    }

    private static func parameter(_ value: SQLValue) -> Parameter {
        switch value {
        case .null: return Parameter(bytes: nil, binary: false)
        case .int(let v): return Parameter(bytes: Array(String(v).utf8), binary: false)
        case .double(let v):
            let text = v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : "\(v)"
            return Parameter(bytes: Array(text.utf8), binary: false)
        case .text(let s): return Parameter(bytes: Array(s.utf8), binary: false)
        case .blob(let b): return Parameter(bytes: b, binary: true)
        }
    }

    private func rows(_ result: OpaquePointer) -> [SQLRow] {
        let fieldCount = pq.PQnfields(result)
        let columns = (0..<fieldCount).map { Self.text(pq.PQfname(result, $0)) }
        let types = (0..<fieldCount).map { pq.PQftype(result, $0) }
        return (0..<pq.PQntuples(result)).map { row in
            SQLRow(columns: columns, values: (0..<fieldCount).map { column in
                if pq.PQgetisnull(result, row, column) != 0 { return .null }
                let length = Int(pq.PQgetlength(result, row, column))
                let bytes = pq.PQgetvalue(result, row, column).map {
                    Array(UnsafeRawBufferPointer(start: $0, count: length))
                } ?? []
                return Self.value(bytes, type: types[Int(column)])
            })
        }
    }

    /// Maps PostgreSQL's text output by type OID: integers and floats become numbers, bool 1/0 (as PHP's
    /// PDO gives true/false), bytea its bytes; everything else text (`.blob` if not valid UTF-8).
    private static func value(_ bytes: [UInt8], type: Oid) -> SQLValue {
        let text = String(validating: bytes, as: UTF8.self)
        switch type {
        case 20, 21, 23, 26:
            if let text, let v = Int64(text) { return .int(v) }
        case 700, 701:
            if let text, let v = Double(text) { return .double(v) }
        case 16:
            return .int(bytes == [UInt8(ascii: "t")] ? 1 : 0)
        case 17:
            if let decoded = decodeByteaHex(bytes) { return .blob(decoded) }
        default:
            break
        }
        return text.map(SQLValue.text) ?? .blob(bytes)
    }

    /// bytea's text output (`\x` + hex, the default since PostgreSQL 9.0).
    private static func decodeByteaHex(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 - 1)
        var i = 2
        while i < bytes.count {
            guard let hi = nibble(bytes[i]), let lo = nibble(bytes[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// `PG_DIAG_SQLSTATE` and `PG_DIAG_MESSAGE_PRIMARY`: char-literal macros Swift does not import.
    private static let diagSQLState = Int32(UInt8(ascii: "C"))
    private static let diagMessagePrimary = Int32(UInt8(ascii: "M"))

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        pq.PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) }.map { String($0.trimmingWhitespace()) } ?? ""
    }

    private static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        text(pointer.map { UnsafePointer($0) })
    }

    /// Connects with `PQconnectdbParams`; notices (e.g. "relation already exists, skipping") are dropped
    /// instead of libpq printing them.
    private static func connect(_ pq: ShuttleLibPQ, _ parameters: [(String, String)], target: String) throws -> UnsafeConnection {
        let keys = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer { (keys + values).forEach { free($0) } }
        let keyPointers = keys.map { $0.map { UnsafePointer($0) } } + [nil]
        let valuePointers = values.map { $0.map { UnsafePointer($0) } } + [nil]
        guard let conn = pq.PQconnectdbParams(keyPointers, valuePointers, 0) else {
            throw DatabaseError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard pq.PQstatus(conn) == CONNECTION_OK else {
            let message = text(pq.PQerrorMessage(conn))
            pq.PQfinish(conn)
            throw DatabaseError(kind: .connection, message: "cannot connect to PostgreSQL at \(target): \(message)")
        }
        _ = pq.PQsetNoticeProcessor(conn, { _, _ in }, nil)
        return UnsafeConnection(pointer: conn)
    }

    /// Carries the fresh handle from the executor's queue to the engine that will own it.
    private struct UnsafeConnection: @unchecked Sendable {
        let pointer: OpaquePointer
    }
}
