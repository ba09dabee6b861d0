import ArgumentParser
import Database
import Digests
import LaravelQueue
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `shuttle bench-floor` (hidden, for `make bench`): the floor the Monzo jobs are measured against. It takes the
/// Spark rows a run wrote, empties those tables, and writes the same rows again by one multi-row INSERT per
/// table in one transaction, from Swift over one connection: the least work a database can do for them.
/// Prints the seconds that transaction took (reading and emptying are not timed).
struct BenchFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-floor", abstract: "Rewrite Spark's rows by one INSERT per table in one transaction; print its seconds.",
        shouldDisplay: false)

    @OptionGroup var app: AppOptions

    /// Parents first, so the inserts meet their foreign keys.
    static let tables = ["objects", "events", "blocks", "tags", "taggables"]

    func run() async throws {
        let configuration: DatabaseConfiguration
        let connection: any SQLConnection
        do {
            let config = try app.configuration()
            configuration = try DatabaseConfiguration.named(nil, environment: config.environment.variables, appRoot: app.appRoot)
            connection = try await configuration.connect()
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { connection.close() }
        let postgres = if case .postgres = configuration.driver { true } else { false }
        var statements: [String] = []
        var rows = 0
        for table in Self.tables {
            let all = try await connection.query("select * from \(table)")
            rows += all.count
            if let sql = Self.insert(into: table, all, postgres: postgres) { statements.append(sql) }
        }
        for table in Self.tables.reversed() { _ = try await connection.execute("delete from \(table)") }
        let start = ContinuousClock.now
        try await connection.transaction { [statements] db in
            for sql in statements { _ = try await db.execute(sql) }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(seconds))
        StandardStreams.writeStandardError("bench-floor: \(rows) rows in \(statements.count) statements\n")
    }

    /// `insert into T (c…) values (…), (…)` with every value a literal: the database coerces a quoted literal
    /// to the column's type, so one statement carries any number of rows (no bound-parameter limit).
    static func insert(into table: String, _ rows: [SQLRow], postgres: Bool) -> String? {
        guard let first = rows.first else { return nil }
        var sql = "insert into \(table) (" + first.columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") values "
        sql.reserveCapacity(rows.count * 512)
        for (n, row) in rows.enumerated() {
            if n > 0 { sql += ", " }
            sql += "(" + row.values.map { literal($0, postgres: postgres) }.joined(separator: ", ") + ")"
        }
        return sql
    }

    static func literal(_ value: SQLValue, postgres: Bool) -> String {
        switch value {
        case .null: return "NULL"
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .text(let s): return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .blob(let bytes): return postgres ? "'\\x\(Hex.string(bytes))'" : "X'\(Hex.string(bytes))'"
        }
    }
}
