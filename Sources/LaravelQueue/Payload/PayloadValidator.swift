import PHPFormats
/// The gate every payload we write passes through.
///
/// The pop script does `cjson.decode(job)`, `attempts + 1`, `cjson.encode`: a payload without a numeric
/// `attempts` would come out with `attempts` lost or the script erroring (spec §4.6, §10 item 17).
public enum PayloadValidator {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case missingAttempts
        case attemptsNotANumber
        case attemptsNotAWholeNumber
        public var description: String {
            switch self {
            case .missingAttempts: return "payload has no \"attempts\" member"
            case .attemptsNotANumber: return "payload \"attempts\" is not a JSON number"
            case .attemptsNotAWholeNumber: return "payload \"attempts\" is not a non-negative whole number"
            }
        }
    }

    public static func validate(_ object: JSONObject) throws {
        guard let attempts = object["attempts"] else { throw Error.missingAttempts }
        guard case .number(let n) = attempts else { throw Error.attemptsNotANumber }
        guard let v = n.integerValue, v >= 0 else { throw Error.attemptsNotAWholeNumber }
    }
}
