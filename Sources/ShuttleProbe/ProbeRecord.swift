import PHPFormats

/// One entry of a probe's record list: compact JSON, keys in this order (the PHP harness writes the same).
struct ProbeRecord: Sendable {
    var uuid: String
    var attempt: Int
    var worker: String
    var outcome: String
    var started: Double
    var ended: Double?

    var json: [UInt8] {
        func quoted(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
            }
            return out + "\""
        }
        let ended = self.ended.map { CFormat.string("%.6f", $0) } ?? "null"
        return Array("{\"uuid\":\(quoted(uuid)),\"attempt\":\(attempt),\"worker\":\(quoted(worker)),\"outcome\":\(quoted(outcome)),\"started\":\(CFormat.string("%.6f", started)),\"ended\":\(ended)}".utf8)
    }
}
