import Database

extension SparkWriter {
    /// `INSERT INTO table (columns…)` of `rows` (values in column order) followed by `suffix` (`on conflict …
    /// returning id`), one statement per slice. On PostgreSQL the rows travel as one array parameter per column
    /// (`select * from unnest(?::uuid[], ?::text[], …)`): a handful of parameters instead of one per value, which
    /// the server parses and binds several times faster than a VALUES list of thousands of placeholders. SQLite
    /// takes the multi-row VALUES list. Returns the rows the statements returned.
    @discardableResult
    func insertRows(_ table: String, columns: [(name: String, type: String)], rows: [[SQLValue]], suffix: String = "") async throws -> [SQLRow] {
        let names = columns.map(\.name).joined(separator: ", ")
        var returned: [SQLRow] = []
        let size = dialect == .postgres ? Self.arrayChunk : Self.chunk
        for start in stride(from: 0, to: rows.count, by: size) {
            let slice = rows[start..<min(rows.count, start + size)]
            let sql: String
            let bindings: [SQLValue]
            if dialect == .postgres {
                let arrays = columns.indices.map { column in Self.arrayLiteral(slice.lazy.map { $0[column] }) }
                sql = "insert into \(table) (\(names)) select * from unnest("
                    + columns.map { "?::\($0.type)[]" }.joined(separator: ", ") + ") \(suffix)"
                bindings = arrays.map { .text($0) }
            } else {
                sql = "insert into \(table) (\(names)) values \(Self.placeholders(rows: slice.count, columns: columns.count)) \(suffix)"
                bindings = slice.flatMap { $0 }
            }
            returned += try await query(sql, bindings)
        }
        return returned
    }

    /// Rows per array statement on PostgreSQL (one parameter per column whatever the count).
    static let arrayChunk = 5000

    /// A PostgreSQL array literal (`{"a","b\"c",NULL,7}`) of one column's values, every text quoted and escaped.
    static func arrayLiteral(_ values: some Sequence<SQLValue>) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for value in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            switch value {
            case .null: bytes += Array("NULL".utf8)
            case .int(let n): bytes += Array(String(n).utf8)
            case .double(let d): bytes += Array("\(d)".utf8)
            case .text(let text):
                bytes.append(UInt8(ascii: "\""))
                for byte in text.utf8 {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                    bytes.append(byte)
                }
                bytes.append(UInt8(ascii: "\""))
            case .blob(let blob):
                // bytea in an array: the hex form, quoted.
                bytes += Array("\"\\\\x".utf8)
                for byte in blob { bytes += Array((byte < 16 ? "0" : "") .utf8) + Array(String(byte, radix: 16).utf8) }
                bytes.append(UInt8(ascii: "\""))
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
