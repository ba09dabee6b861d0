/// Compares PHP's normalized traffic for an operation (the reference) with Shuttle's.
///
/// Besides what `MonitorNormalizer` removes, Shuttle's scripts may take extra trailing ARGV (pop's count,
/// migrate's limit) and extra trailing KEYS from `allowedExtraKeySuffixes` (pop's quarantine list); a
/// timestamp may be off by one second (the clock ticked between computing and sending it).
enum MonitorDiff {
    static func differences(php: [NormalizedCommand], shuttle: [NormalizedCommand],
                            allowedExtraKeySuffixes: [String] = [":shuttle-quarantine"]) -> [String] {
        var problems: [String] = []
        if php.count != shuttle.count {
            problems.append("PHP issued \(php.count) commands, Shuttle \(shuttle.count)")
        }
        for (i, (expected, actual)) in zip(php, shuttle).enumerated() {
            let problem = compare(expected, actual, allowedExtraKeySuffixes)
            if let problem { problems.append("#\(i): \(problem)\n  PHP:     \(expected)\n  Shuttle: \(actual)") }
        }
        if !problems.isEmpty {
            problems.append("PHP:\n" + php.map { "  \($0)" }.joined(separator: "\n")
                            + "\nShuttle:\n" + shuttle.map { "  \($0)" }.joined(separator: "\n"))
        }
        return problems
    }

    private static func compare(_ php: NormalizedCommand, _ shuttle: NormalizedCommand, _ suffixes: [String]) -> String? {
        if php.database != shuttle.database { return "database \(php.database) ≠ \(shuttle.database)" }
        if php.inScript != shuttle.inScript { return "one runs in a script, the other not" }
        if php.name != shuttle.name { return "command \(php.name) ≠ \(shuttle.name)" }
        switch (php.keys, shuttle.keys) {
        case (nil, nil):
            if php.arguments.count != shuttle.arguments.count { return "argument count" }
        case (let expected?, let actual?):
            guard actual.count >= expected.count, Array(actual.prefix(expected.count)) == expected else { return "KEYS differ" }
            for extra in actual.dropFirst(expected.count) {
                let key = String(decoding: extra, as: UTF8.self)
                if !suffixes.contains(where: { key.hasSuffix($0) }) { return "unexpected extra key \(key)" }
            }
            if shuttle.arguments.count < php.arguments.count { return "fewer ARGV" }
        default:
            return "one is a script call, the other not"
        }
        for (n, (a, b)) in zip(php.arguments, shuttle.arguments).enumerated() where !matches(a, b) {
            return "argument \(n + 1) differs"
        }
        return nil
    }

    static func matches(_ a: NormalizedCommand.Token, _ b: NormalizedCommand.Token) -> Bool {
        switch (a, b) {
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.time(let x), .time(let y)): return abs(x - y) <= 1
        default: return false
        }
    }
}
