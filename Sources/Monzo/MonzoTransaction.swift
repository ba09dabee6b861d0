#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats
import PHPSerialization
import Spark

/// One Monzo transaction read as `MonzoTransactionData` reads it (spec §7.5): target, action, event,
/// tags and blocks. Pure: the job writes what this describes.
struct MonzoTransaction {
    let tx: PHPValue
    let integration: SparkIntegration
    let settings: MonzoSettings
    let clock: SparkClock
    /// `tx.id` as a string, or a fresh uuid when missing (as the app does).
    let sourceId: String

    init(_ tx: PHPValue, integration: SparkIntegration, settings: MonzoSettings, clock: SparkClock) {
        self.tx = tx
        self.integration = integration
        self.settings = settings
        self.clock = clock
        sourceId = tx[php: "id"]?.phpString ?? UUID().uuidString.lowercased()
    }

    var amount: Int { tx[php: "amount"]?.phpInt ?? 0 }
    var scheme: String? { tx[php: "scheme"]?.phpString }
    var currency: String { tx[php: "currency"]?.phpString ?? "GBP" }
    var merchant: PHPValue? { tx[php: "merchant"] }
    /// Only an explicit `declined` = 1 counts (Monzo's API sends `decline_reason`).
    var declined: Bool { (tx[php: "declined"]?.phpInt ?? 0) == 1 }
    /// Eloquent's text for `created`, or now; nil when it cannot be read.
    var time: String? { SparkTime.eloquent(tx[php: "created"] ?? .string(clock.nowText)) }

    /// The target: a live pot whose `pot_id` is the counterparty's account id (or id, or the counterparty
    /// itself), else the counterparty object (upserted) named by merchant, description or "Unknown".
    func target(pots: [(id: String, title: String, metadata: JSONValue?)], userId: String)
        -> (key: ObjectKey, counterparty: SparkObject?, potName: String?, potId: String?)
    {
        let counterparty = tx[php: "counterparty"]
        let cp = counterparty?[php: "account_id"] ?? counterparty?[php: "id"] ?? counterparty
        // `metadata->pot_id @> <json of cp>`: for a string, equality; an array never matches a pot id string.
        if let cp, cp.isTruthy, case .string = cp,
           let pot = pots.first(where: { $0.metadata?["pot_id"]?.stringValue == cp.stringValue }) {
            return (ObjectKey(userId: userId, concept: "account", type: "monzo_pot", title: pot.title), nil, pot.title, pot.id)
        }
        let title = merchant?[php: "name"]?.phpString ?? tx[php: "description"]?.phpString ?? "Unknown"
        let key = ObjectKey(userId: userId, concept: "counterparty", type: "monzo_counterparty", title: title)
        let object = SparkObject(
            key: key, time: time ?? clock.nowText, content: tx[php: "description"]?.phpString,
            metadata: .object(JSONObject([
                "merchant_id": merchant?[php: "id"]?.json ?? .null,
                "category": tx[php: "category"]?.json ?? .null,
                "currency": tx[php: "currency"]?.json ?? .string("GBP"),
            ])))
        return (key, object, nil, nil)
    }

    /// The action, checked in the app's order (salary before schemes; amount 0 counts as incoming).
    var action: String {
        let out = amount < 0
        if scheme == "bacs", amount > 150_000, let salary = settings.salaryName, !salary.isEmpty,
           merchant?[php: "name"]?.stringValue == salary {
            return "salary_received_from"
        }
        switch scheme {
        case "mastercard" where declined: return "declined_payment_to"
        case "mastercard": return out ? "card_payment_to" : "card_refund_from"
        case "uk_retail_pot": return out ? "pot_transfer_to" : "pot_withdrawal_from"
        case "account_interest": return out ? "interest_repaid" : "interest_earned"
        case "monzo_flex": return out ? "monzo_flex_payment" : "monzo_flex_loan"
        case "bacs": return out ? "direct_debit_to" : "direct_credit_from"
        case "p2p_payment": return out ? "monzo_me_to" : "monzo_me_from"
        case "payport_faster_payments": return out ? "bank_transfer_to" : "bank_transfer_from"
        case "monzo_paid": return out ? "fee_paid_for" : "fee_refunded_for"
        default: return out ? "other_debit_to" : "other_credit_from"
        }
    }

    func event(time: String, actor: ObjectKey, target: ObjectKey, service: String) -> SparkEvent {
        SparkEvent(
            key: EventKey(integrationId: integration.id, sourceId: sourceId), time: time, actor: actor, target: target,
            service: service, domain: "money", action: action, value: Int64(amount.magnitude), valueMultiplier: 100,
            valueUnit: currency,
            eventMetadata: .object(JSONObject([
                "category": tx[php: "category"]?.json ?? .null,
                "scheme": tx[php: "scheme"]?.json ?? .null,
                "notes": tx[php: "notes"]?.json ?? .null,
                "local_amount": tx[php: "local_amount"]?.json ?? .null,
                "local_currency": tx[php: "local_currency"]?.json ?? .null,
            ])))
    }

    /// Tags in the app's attach order; empty ones (PHP `empty()`) are left out.
    var tags: [String] {
        var names: [String] = []
        func add(_ value: PHPValue?) { if let text = value.nonEmptyString { names.append(text) } }
        add(tx[php: "category"])
        names.append(amount < 0 ? "debit" : "credit")
        add(tx[php: "scheme"])
        add(tx[php: "local_currency"])
        add(merchant?[php: "emoji"])
        add(merchant?[php: "address"]?[php: "country"])
        add(merchant?[php: "category"])
        if declined {
            names.append("declined")
            add(tx[php: "decline_reason"])
        } else if (tx[php: "pending"]?.phpInt ?? 0) != 1 {
            names.append("settled")
        }
        return names
    }

    /// The detail blocks (spec §7.5.7); each block's time is the event's.
    func blocks(event: EventKey, potName: String?) -> [SparkBlock] {
        var blocks: [SparkBlock] = []
        let absAmount = Int64(amount.magnitude)
        if !merchant.isEmptyInPHP, let merchant {
            var metadata = JSONObject()
            if case .array = merchant {
                if let name = merchant[php: "name"].nonEmptyString { metadata["merchant"] = .string(name) }
                if let category = merchant[php: "category"].nonEmptyString { metadata["category"] = .string(category) }
                let address = merchant[php: "address"]
                let parts = ["address", "city", "postcode", "country"].compactMap { address?[php: $0].nonEmptyString }
                if !parts.isEmpty { metadata["address"] = .string(parts.joined(separator: ", ")) }
            }
            blocks.append(SparkBlock(event: event, blockType: nil, title: "Merchant", metadata: .object(metadata),
                                     mediaUrl: merchant[php: "logo"]?.phpString))
        }
        if let local = tx[php: "local_amount"], let localCurrency = tx[php: "local_currency"].nonEmptyString,
           localCurrency.uppercased() != currency.uppercased() {
            let localAmount = local.phpInt
            var metadata = JSONObject()
            metadata[localCurrency.uppercased()] = MonzoObjects.divide(Int(localAmount.magnitude), 100)
            metadata[currency.uppercased()] = MonzoObjects.divide(Int(amount.magnitude), 100)
            if localAmount != 0 {
                let rate = Self.phpRound(Double(amount.magnitude) / Double(localAmount.magnitude), places: 6)
                metadata["rate"] = JSONNumber(rate).map(JSONValue.number) ?? .null
            }
            blocks.append(SparkBlock(event: event, blockType: "foreign_exchange", title: "FX", metadata: .object(metadata)))
        }
        if let card = tx[php: "virtual_card"], !card.isEmptyInPHP {
            blocks.append(SparkBlock(event: event, blockType: "virtual_card", title: "Virtual Card", metadata: card.json))
        }
        if scheme == "uk_retail_pot" {
            blocks.append(SparkBlock(
                event: event, blockType: "pot", title: "Pot Transfer",
                metadata: .object(JSONObject(["direction": .string(amount < 0 ? "To" : "From"), "pot_name": .string(potName ?? "Pot")])),
                value: absAmount, valueMultiplier: 100, valueUnit: "GBP"))
        }
        if scheme == "payport_faster_payments" {
            let counterparty = tx[php: "counterparty"]
            var metadata = JSONObject()
            if let name = counterparty?[php: "name"].nonEmptyString { metadata["counterparty"] = .string(name) }
            if let sortCode = counterparty?[php: "sort_code"].nonEmptyString,
               let accountNumber = counterparty?[php: "account_number"].nonEmptyString {
                metadata["sort_code"] = .string(sortCode)
                metadata["account_number"] = .string(accountNumber)
            }
            blocks.append(SparkBlock(event: event, blockType: "bank_transfer", title: "Bank Transfer",
                                     metadata: metadata.isEmpty ? .array([]) : .object(metadata),
                                     value: absAmount, valueMultiplier: 100, valueUnit: "GBP"))
        }
        return blocks
    }

    /// PHP's `round($x, $places)`: half away from zero.
    static func phpRound(_ value: Double, places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
