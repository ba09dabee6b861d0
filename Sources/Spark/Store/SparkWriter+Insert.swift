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
    /// Bytes are appended in place (no array per value): this runs for every value of a bulk write.
    static func arrayLiteral(_ values: some Sequence<SQLValue>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.underestimatedCount * 40 + 2)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for value in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            switch value {
            case .null: bytes.append(contentsOf: "NULL".utf8)
            case .int(let n): appendDecimal(n, to: &bytes)
            case .double(let d): bytes.append(contentsOf: "\(d)".utf8)
            case .text(var text):
                bytes.append(UInt8(ascii: "\""))
                text.withUTF8 { utf8 in
                    var start = 0
                    for (i, byte) in utf8.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                        bytes.append(UInt8(ascii: "\\"))
                        start = i
                    }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
                }
                bytes.append(UInt8(ascii: "\""))
            case .blob(let blob):
                // bytea in an array: the hex form, quoted.
                bytes.append(contentsOf: "\"\\\\x".utf8)
                let hex: StaticString = "0123456789abcdef"
                for byte in blob {
                    bytes.append(hex.utf8Start[Int(byte >> 4)])
                    bytes.append(hex.utf8Start[Int(byte & 0x0f)])
                }
                bytes.append(UInt8(ascii: "\""))
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `String(n)`'s digits, without the intermediate string.
    static func appendDecimal(_ n: Int64, to bytes: inout [UInt8]) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }
}
