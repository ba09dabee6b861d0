import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
/// The table Symfony Console draws for `queue:failed` (Laravel 8 – 9): `+---+` rules, one space of padding.
enum ConsoleTable {
    static func render(headers: [String], rows: [[String]]) -> String {
        var widths = headers.map(\.unicodeScalars.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.unicodeScalars.count) }
        }
        let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
        func line(_ cells: [String]) -> String {
            "|" + widths.enumerated().map { i, width in
                let cell = i < cells.count ? cells[i] : ""
                return " " + cell + String(repeating: " ", count: width - cell.unicodeScalars.count) + " "
            }.joined(separator: "|") + "|"
        }
        return ([rule, line(headers), rule] + rows.map(line) + [rule]).joined(separator: "\n")
    }
}
