import Digests
import LaravelQueue
import Logging
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Data\AppleHealth\AppleHealthWorkoutData` (spec §8.5): one `completed_workout` event per workout,
/// from the user object to an object named after the workout, with Summary/Distance/Active Energy/Intensity/
/// Duration blocks, in one transaction.
///
/// A workout whose start cannot be read is skipped with a logged reason; a quantity that is not a number is
/// left out (logged). Intended behaviour, not 373618f's (⚠ §8.5.7): a workout already stored (Health Auto
/// Export re-sends overlapping windows) is updated in place instead of failing the job on the unique key.
public struct AppleHealthWorkoutData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\AppleHealth\\AppleHealthWorkoutData"

    let store: SparkStore

    public init(store: SparkStore) {
        self.store = store
    }

    public func handle(_ context: JobContext) async throws {
        let input = try AppleHealthJobInput(context, className: Self.phpClass, dataProperty: "rawData")
        let clock = store.clock, logger = context.logger
        try await store.write { writer in
            let integration = try await writer.integration(input.integration)
            guard let description = try Self.event(input.data, integrationId: integration.id, userId: integration.userId,
                                                   service: input.serviceName, now: clock.now, logger: logger) else { return }
            try await AppleHealthEvent.write([description], writer: writer, logger: logger)
        }
    }

    /// `Arr::get($w, 'a.b')`: nil only when a key on the way is missing (a present null is `.null`).
    static func get(_ value: PHPValue, _ path: String...) -> PHPValue? {
        var current = value
        for key in path {
            guard case .array(let array) = current, let next = array[key] else { return nil }
            current = next
        }
        return current
    }

    /// The workout's description, or nil when it cannot be written (logged).
    static func event(_ w: PHPValue, integrationId: String, userId: String, service: String, now: Int64,
                      logger: Logger) throws -> AppleHealthEvent? {
        guard case .array(let object) = w, !object.isList, object.count > 0 else {
            logger.warning("Apple Health workout skipped: not an object")
            return nil
        }
        func present(_ value: PHPValue?) -> PHPValue? { value == .null ? nil : value }
        let idValue = present(get(w, "id"))
        let id: String
        if let idValue, AppleHealthNumber.isScalar(idValue) {
            id = AppleHealthNumber.text(idValue)
        } else {
            // md5(json_encode([integration id, start, name])), PHP's default flags (spec §8.5.1, §13.9).
            let key = PHPValue.array(PHPArray(list: [.string(integrationId), get(w, "start") ?? .null, get(w, "name") ?? .null]))
            id = MD5.hex(Array(try PHPJSON.encode(key).utf8))
        }
        let name = present(get(w, "name")).map { AppleHealthNumber.text($0) } ?? "Workout"
        let nowText = SparkTime.text(unix: now)
        let nowISO = "\(nowText.prefix(10))T\(nowText.suffix(8))+00:00"
        let startValue = present(get(w, "start")) ?? present(get(w, "startDate"))
        let start = startValue.map { AppleHealthNumber.text($0) } ?? nowISO
        let end = (present(get(w, "end")) ?? present(get(w, "endDate"))).map { AppleHealthNumber.text($0) } ?? start
        guard AppleHealthNumber.isScalar(startValue), let time = SparkTime.eloquent(.string(start)) else {
            logger.warning("Apple Health workout skipped: unreadable start \"\(start.prefix(40))\"", metadata: ["workout": "\(id)"])
            return nil
        }
        let duration = present(get(w, "duration"))
        let distQty = present(get(w, "distance", "qty")), distUnit = present(get(w, "distance", "units"))
        let energyQty = present(get(w, "activeEnergyBurned", "qty"))
        // Default `kcal` only when the key is missing; a present null stays null.
        let energyUnit = get(w, "activeEnergyBurned", "units").map { $0 == .null ? nil : $0 } ?? .string("kcal")
        let intQty = present(get(w, "intensity", "qty")), intUnit = present(get(w, "intensity", "units"))
        let location = present(get(w, "location"))

        func encode(_ raw: PHPValue?, _ field: String) throws -> (value: Int64?, multiplier: Int64?)? {
            do {
                return try AppleHealthNumber.encode(raw)
            } catch AppleHealthNumber.Unreadable.notNumeric(let text) {
                logger.warning("Apple Health workout \(field) left out: not a number \"\(text.prefix(40))\"", metadata: ["workout": "\(id)"])
                return nil
            } catch {
                throw AppleHealthJobError.unreadableValue("\(field) of workout \(id) is an array where a number belongs").jobException
            }
        }
        func truthy(_ value: PHPValue?) -> Bool { value?.isTruthy ?? false }
        func text(_ value: PHPValue?) -> String? { value.map { AppleHealthNumber.text($0) } }

        let energy = try encode(energyQty, "active energy")
        let key = EventKey(integrationId: integrationId, sourceId: "apple_workout_\(id)")
        var blocks: [SparkBlock] = []
        var summary = JSONObject()
        if distQty != nil, truthy(distUnit) { summary["distance"] = .string("\(text(distQty)!) \(text(distUnit)!)") }
        if duration != nil { summary["duration"] = .string("\(text(duration)!) s") }
        if energyQty != nil, truthy(energyUnit) { summary["active_energy"] = .string("\(text(energyQty)!) \(text(energyUnit)!)") }
        if intQty != nil, truthy(intUnit) { summary["intensity"] = .string("\(text(intQty)!) \(text(intUnit)!)") }
        if truthy(location) { summary["location"] = .string(text(location)!) }
        if !summary.isEmpty {
            blocks.append(SparkBlock(event: key, blockType: "summary", title: "Summary", time: time, metadata: .array([.object(summary)])))
        }
        if distQty != nil, truthy(distUnit), let (v, m) = try encode(distQty, "distance") {
            blocks.append(SparkBlock(event: key, blockType: "distance", title: "Distance", time: time, metadata: PHPJSON.emptyArray,
                                     value: v, valueMultiplier: m ?? 1, valueUnit: text(distUnit)))
        }
        if let energy, let v = energy.value {
            blocks.append(SparkBlock(event: key, blockType: "energy", title: "Active Energy", time: time, metadata: PHPJSON.emptyArray,
                                     value: v, valueMultiplier: energy.multiplier ?? 1, valueUnit: text(energyUnit)))
        }
        if intQty != nil, truthy(intUnit), let (v, m) = try encode(intQty, "intensity") {
            blocks.append(SparkBlock(event: key, blockType: "intensity", title: "Intensity", time: time, metadata: PHPJSON.emptyArray,
                                     value: v, valueMultiplier: m ?? 1, valueUnit: text(intUnit)))
        }
        if duration != nil, let (v, m) = try encode(duration, "duration") {
            blocks.append(SparkBlock(event: key, blockType: "duration", title: "Duration", time: time, metadata: PHPJSON.emptyArray,
                                     value: v, valueMultiplier: m ?? 1, valueUnit: "s"))
        }

        let actor = AppleHealthEvent.user(userId: userId, time: time)
        let target = SparkObject(key: ObjectKey(userId: userId, concept: "workout", type: "apple_workout", title: name),
                                 time: time, metadata: w.json)
        let metadata = JSONObject([
            "end": .string(end), "duration_seconds": duration?.json ?? .null, "distance": distQty?.json ?? .null,
            "distance_unit": distUnit?.json ?? .null, "intensity": intQty?.json ?? .null, "intensity_unit": intUnit?.json ?? .null,
            "location": location?.json ?? .null,
        ])
        let event = SparkEvent(key: key, time: time, actor: actor.key, target: target.key, service: service, domain: "health",
                               action: "completed_workout", value: energy?.value, valueMultiplier: energy?.multiplier ?? 1,
                               valueUnit: text(energyUnit), eventMetadata: .object(metadata),
                               actorMetadata: PHPJSON.emptyArray, targetMetadata: PHPJSON.emptyArray)
        return AppleHealthEvent(event: event, actor: actor, target: target, blocks: blocks)
    }
}
