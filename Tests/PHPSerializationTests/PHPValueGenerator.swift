import PHPSerialization

/// Random nested `PHPValue`s for property-based tests, generated in serialization order so that `r:`/`R:`
/// point at real slots (numbered as PHP does: pre-order, 1-based, `R:` takes none).
///
/// `phpCompatible` restricts output to what real PHP reads and writes back byte for byte: classes that do
/// not exist (incomplete classes) or stdClass, the prelude's enums and `Legacy` for `C:`, a repeated enum
/// case written as `r:` (PHP shares one instance), and non-empty property names.
struct PHPValueGenerator {
    var rng: SplitMix64
    let phpCompatible: Bool
    private var slot = 0
    private var objectSlots: [Int] = []
    private var finishedNonObjectSlots: [Int] = []
    private var enumSlots: [String: Int] = [:]

    init(seed: UInt64, phpCompatible: Bool) {
        rng = SplitMix64(seed: seed)
        self.phpCompatible = phpCompatible
    }

    /// A fresh top-level value (slot numbering restarts).
    mutating func topLevel(maxDepth: Int = 4) -> PHPValue {
        slot = 0
        objectSlots = []
        finishedNonObjectSlots = []
        enumSlots = [:]
        return value(depth: maxDepth)
    }

    private mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    private mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

    private mutating func value(depth: Int) -> PHPValue {
        // References first: R: takes no slot, r: takes one.
        if chance(6), let target = finishedNonObjectSlots.randomElement(using: &rng) {
            return .reference(target)
        }
        if chance(6), let target = objectSlots.randomElement(using: &rng) {
            slot += 1
            // PHP itself always points r: at the object's first slot; the decoder accepts r:-to-r: too.
            if !phpCompatible { objectSlots.append(slot) }
            return .objectReference(target)
        }
        slot += 1
        let mySlot = slot
        let kind = depth > 0 ? int(12) : int(7)
        var isObject = false
        let result: PHPValue
        switch kind {
        case 0: result = .null
        case 1: result = .bool(chance(50))
        case 2: result = .int(randomInt())
        case 3: result = .double(randomDouble())
        case 4, 5: result = .string(randomBytes(maxLength: 12))
        case 6:
            isObject = true
            let (cls, name) = [("Suit", "Hearts"), ("Suit", "Spades"), ("Plain", "A"), ("Plain", "B")][int(4)]
            if phpCompatible, let first = enumSlots["\(cls):\(name)"] {
                return .objectReference(first)
            } else {
                enumSlots["\(cls):\(name)"] = mySlot
                result = .enumCase(className: cls, caseName: name)
            }
        case 7:
            isObject = true
            result = .custom(className: phpCompatible ? "Legacy" : randomClassName(), data: randomBytes(maxLength: 20))
        case 8, 9:
            result = .array(randomArray(depth: depth))
        default:
            isObject = true
            objectSlots.append(mySlot)  // an object may refer to itself from inside
            result = .object(randomObject(depth: depth))
        }
        if isObject {
            if !objectSlots.contains(mySlot) { objectSlots.append(mySlot) }
        } else {
            finishedNonObjectSlots.append(mySlot)
        }
        return result
    }

    private mutating func randomArray(depth: Int) -> PHPArray {
        var array = PHPArray()
        var used = Set<PHPArrayKey>()
        for _ in 0..<int(6) {
            let key: PHPArrayKey
            switch int(4) {
            case 0: key = .int(int(10))
            case 1: key = .int(randomInt())
            case 2: key = PHPArrayKey.normalized(Array(["7", "-3", "007", "-0", "1.5", " 1", "9223372036854775808", ""][int(8)].utf8))
            default: key = PHPArrayKey.normalized(randomBytes(maxLength: 6))
            }
            guard used.insert(key).inserted else { continue }
            array.entries.append(PHPArray.Entry(key: key, value: value(depth: depth - 1)))
        }
        return array
    }

    private mutating func randomObject(depth: Int) -> PHPObject {
        let className = chance(20) ? "stdClass" : randomClassName()
        var object = PHPObject(className: className)
        var used = Set<[UInt8]>()
        for _ in 0..<int(5) {
            let name = randomName(allowEmpty: !phpCompatible)
            let visibility: PHPVisibility
            switch int(3) {
            case 0: visibility = .public
            case 1: visibility = .protected
            default: visibility = .private(declaringClass: chance(50) ? className : randomClassName())
            }
            let property = PHPProperty(name: name, visibility: visibility, value: .null)
            guard used.insert(property.mangledName).inserted else { continue }
            object.properties.append(PHPProperty(name: name, visibility: visibility, value: value(depth: depth - 1)))
        }
        return object
    }

    private mutating func randomInt() -> Int {
        switch int(4) {
        case 0: return [Int.min, Int.max, 0, -1, 1][int(5)]
        case 1: return Int(bitPattern: UInt(rng.next()))
        default: return int(2000) - 1000
        }
    }

    private mutating func randomDouble() -> Double {
        switch int(4) {
        case 0: return [0.0, -0.0, .nan, .infinity, -.infinity, 1e17, 1e-5, 0.1, 1e16, .leastNonzeroMagnitude][int(10)]
        case 1: return Double(bitPattern: rng.next())
        default: return Double(int(200_000) - 100_000) / Double([1, 10, 1000, 1e7, 1e-20][int(5)])
        }
    }

    private mutating func randomBytes(maxLength: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [[0], [34], [59], [58], [123], [125], [0xFF], [0xC3, 0xA9], Array("日".utf8), [92]]
        var out: [UInt8] = []
        for _ in 0..<int(maxLength + 1) {
            if chance(30) { out += pieces[int(pieces.count)] } else { out.append(UInt8(97 + int(26))) }
        }
        return out
    }

    private mutating func randomName(allowEmpty: Bool) -> String {
        let alphabet = Array("abcxyz_019é日\\ \"".unicodeScalars)
        var text = ""
        for _ in 0..<((allowEmpty ? 0 : 1) + int(6)) { text.unicodeScalars.append(alphabet[int(alphabet.count)]) }
        return text
    }

    private mutating func randomClassName() -> String {
        let parts = ["App", "Jobs", "Gen", "X1", "Café", "_q"]
        return (0...int(3)).map { _ in parts[int(parts.count)] }.joined(separator: "\\") + String(int(100))
    }
}
