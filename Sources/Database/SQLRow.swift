/// One result row: column names in select order with their values.
public struct SQLRow: Sendable, Hashable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of the first column with this name, or `nil` when the row has no such column.
    public subscript(name: String) -> SQLValue? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return values[index]
    }

    public subscript(index: Int) -> SQLValue { values[index] }
}
