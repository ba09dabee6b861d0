import LaravelQueue
import Logging
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Data\AppleHealth\AppleHealthMetricData` (spec §8.6): one `measurement` event per point of one
/// metric series (or of one chunk of it, see `AppleHealthWebhookHook`), with Minimum/Average/Maximum/Source
/// blocks, all in one transaction.
///
/// Bad points are skipped with a logged reason and the rest written (PHP stopped at the first one): not an
/// object, an unreadable date, a value that is not a number. A value that is an array fails the job, as in
/// PHP (spec §8.4). Intended behaviour, not 373618f's (⚠): points already stored are updated, not re-inserted.
public struct AppleHealthMetricData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\AppleHealth\\AppleHealthMetricData"

    let store: SparkStore

    public init(store: SparkStore) {
        self.store = store
    }

    public func handle(_ context: JobContext) async throws {
        let input = try AppleHealthJobInput(context, className: Self.phpClass, dataProperty: "rawData")
        let clock = store.clock, logger = context.logger
        try await store.write { writer in
            let integration = try await writer.integration(input.integration)
            let descriptions = try Self.events(input.data, integrationId: integration.id, userId: integration.userId,
                                               service: input.serviceName, today: clock.today, logger: logger)
            try await AppleHealthEvent.write(descriptions, writer: writer, logger: logger)
        }
    }

    /// The event descriptions of one metric object, in point order.
    static func events(_ metric: PHPValue, integrationId: String, userId: String, service: String, today: String,
                       logger: Logger) throws -> [AppleHealthEvent] {
        guard case .array(let object) = metric, !object.isList || object.count == 0 else {
            logger.warning("Apple Health metric skipped: not an object")
            return []
        }
        let nameValue = metric[php: "name"]
        guard AppleHealthNumber.isScalar(nameValue), AppleHealthNumber.isScalar(object["units"]) else {
            logger.warning("Apple Health metric skipped: its name or units is not text")
            return []
        }
        let name = nameValue.map { AppleHealthNumber.text($0) } ?? "unknown_metric"
        // `?string $unit`: a number is coerced to its text; missing or null stays NULL. Units are not
        // checked against a list: the app stores whatever Health Auto Export names.
        let unit: String? = metric[php: "units"].map { AppleHealthNumber.text($0) }
        guard case .array(let data)? = metric[php: "data"] else {
            logger.warning("Apple Health metric has no data points", metadata: ["metric": "\(name)"])
            return []
        }
        guard data.isList || data.count == 0 else {
            logger.warning("Apple Health metric skipped: data is an object, not a list of points", metadata: ["metric": "\(name)"])
            return []
        }
        var events: [AppleHealthEvent] = []
        events.reserveCapacity(data.count)
        for (index, point) in data.values.enumerated() {
            do {
                events.append(try event(point, name: name, unit: unit, integrationId: integrationId, userId: userId,
                                        service: service, today: today))
            } catch let skip as PointSkipped {
                logger.warning("Apple Health point skipped: \(skip.reason)", metadata: ["metric": "\(name)", "index": "\(index)"])
            }
        }
        return events
    }

    struct PointSkipped: Error { var reason: String }

    /// One point's description (spec §8.6 step 2).
    static func event(_ point: PHPValue, name: String, unit: String?, integrationId: String, userId: String, service: String,
                      today: String) throws -> AppleHealthEvent {
        guard case .array(let p) = point, !p.isList || p.count == 0 else { throw PointSkipped(reason: "not an object") }
        let dateValue = point[php: "date"]
        guard AppleHealthNumber.isScalar(dateValue) else { throw PointSkipped(reason: "its date is not text") }
        let date = dateValue.map { AppleHealthNumber.text($0) } ?? today
        guard let time = SparkTime.eloquent(dateValue ?? .string(today)) else {
            throw PointSkipped(reason: "unreadable date \"\(date.prefix(40))\"")
        }
        var sourceDate = ""
        sourceDate.reserveCapacity(date.utf8.count)
        for c in date.unicodeScalars {
            switch c {
            case " ": sourceDate.append("_")
            case ":", "+": continue
            default: sourceDate.unicodeScalars.append(c)
            }
        }
        func encode(_ raw: PHPValue?, _ field: String) throws -> (Int64?, Int64?) {
            do {
                return try AppleHealthNumber.encode(raw)
            } catch AppleHealthNumber.Unreadable.notNumeric(let text) {
                throw PointSkipped(reason: "\(field) is not a number: \"\(text.prefix(40))\"")
            } catch {
                throw AppleHealthJobError.unreadableValue("\(field) of a \(name) point is an array where a number belongs").jobException
            }
        }
        let raw = point[php: "Avg"] != nil ? point[php: "Avg"] : point[php: "qty"]
        let (value, multiplier) = try encode(raw, point[php: "Avg"] != nil ? "Avg" : "qty")
        let key = EventKey(integrationId: integrationId, sourceId: "apple_metric_\(name)_\(sourceDate)")
        var blocks: [SparkBlock] = []
        for (field, title) in [("Min", "Minimum"), ("Avg", "Average"), ("Max", "Maximum")] where p[field] != nil {
            let (v, m) = try encode(p[field], field)
            blocks.append(SparkBlock(event: key, blockType: "", title: title, time: time,
                                     metadata: .object(JSONObject(["text": .string("\(title) value for \(name)")])),
                                     value: v, valueMultiplier: m ?? 1, valueUnit: unit))
        }
        if let source = p["source"] {
            guard AppleHealthNumber.isScalar(source) else { throw PointSkipped(reason: "its source is not text") }
            blocks.append(SparkBlock(event: key, blockType: "", title: "Source", time: time,
                                     metadata: .object(JSONObject(["text": .string(AppleHealthNumber.text(source))]))))
        }
        let actor = AppleHealthEvent.user(userId: userId, time: time)
        let target = SparkObject(key: ObjectKey(userId: userId, concept: "metric", type: "apple_metric", title: name),
                                 time: time, metadata: PHPJSON.emptyArray)
        let metadata = JSONObject(["metric": .string(name), "raw": point.json])
        let event = SparkEvent(key: key, time: time, actor: actor.key, target: target.key, service: service, domain: "health",
                               action: "measurement", value: value, valueMultiplier: multiplier ?? 1, valueUnit: unit,
                               eventMetadata: .object(metadata), actorMetadata: PHPJSON.emptyArray, targetMetadata: PHPJSON.emptyArray)
        return AppleHealthEvent(event: event, actor: actor, target: target, blocks: blocks)
    }
}
