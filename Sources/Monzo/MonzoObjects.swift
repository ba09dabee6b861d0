import PHPFormats
import PHPSerialization
import Spark

/// The Monzo write helpers every job shares (spec §7.3): the account object, the day object, and the
/// keys events refer to them by.
enum MonzoObjects {
    /// Title and `metadata.account_type` per Monzo account type; anything else is "Monzo Account"/"other"
    /// (as at 373618f: `uk_rewards` is not mapped).
    static func accountTitle(_ type: String?) -> (title: String, accountType: String) {
        switch type {
        case "uk_retail": return ("Current Account", "current_account")
        case "uk_retail_joint": return ("Joint Account", "current_account")
        case "uk_monzo_flex": return ("Monzo Flex", "credit_card")
        case "uk_prepaid": return ("Monzo OG", "current_account")
        case "uk_reward_account": return ("Monzo Rewards", "savings_account")
        default: return ("Monzo Account", "other")
        }
    }

    /// The account object for an account array: keyed by its title, so accounts of one type share an object.
    static func account(_ account: PHPValue, userId: String, now: String) -> SparkObject {
        let (title, accountType) = accountTitle(account[php: "type"]?.stringValue)
        let metadata = JSONObject([
            "name": .string(title),
            "provider": .string("Monzo"),
            "account_type": .string(accountType),
            "account_id": account[php: "id"]?.json ?? .null,
            "currency": account[php: "currency"]?.json ?? .string("GBP"),
            "raw": account.json,
        ])
        return SparkObject(key: ObjectKey(userId: userId, concept: "account", type: "monzo_account", title: title),
                           time: now, content: nil, metadata: .object(metadata), url: nil)
    }

    /// Today's day object: time midnight, metadata `{"date": …}`.
    static func day(userId: String, today: String) -> SparkObject {
        SparkObject(key: ObjectKey(userId: userId, concept: "day", type: "day", title: today), time: "\(today) 00:00:00",
                    content: nil, metadata: .object(JSONObject(["date": .string(today)])), url: nil)
    }

    /// The master (`accounts`) integration of the job's group, created when missing: its only lasting
    /// effect at 373618f (the id it returns is dropped by mass assignment).
    static func ensureMaster(_ integration: SparkIntegration, writer: SparkWriter) async throws {
        guard let group = integration.group else {
            throw MonzoJobError.noGroup(integration: integration.id)
        }
        _ = try await writer.findOrCreateIntegration(group: group, userId: integration.userId, service: "monzo",
                                                     instanceType: "accounts", name: "Accounts (Master)")
    }

    /// PHP's `/` on two integers: an int when exact, else a float (`-2350 / 100` = `-23.5`, `-2100 / 100` = `-21`).
    static func divide(_ a: Int, _ b: Int) -> JSONValue {
        if b != 0, a % b == 0 { return .int(a / b) }
        return JSONNumber(Double(a) / Double(b)).map(JSONValue.number) ?? .null
    }
}
