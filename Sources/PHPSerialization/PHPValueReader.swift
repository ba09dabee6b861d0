/// The cursor behind `PHPUnserializer`: one recursive-descent pass over the bytes, tracking value slots
/// (for `r:`/`R:` validation) the way PHP numbers them.
struct PHPValueReader {
    typealias Failure = PHPSerializationError

    let bytes: [UInt8]
    let limits: PHPUnserializer.Limits
    private(set) var position = 0
    /// One entry per slot (1-based in PHP, index + 1 here): whether it holds an object (`r:` may only
    /// point at objects, as in PHP).
    private var slotHoldsObject: [Bool] = []

    init(bytes: [UInt8], limits: PHPUnserializer.Limits) {
        self.bytes = bytes
        self.limits = limits
        // A job's command has a couple of dozen values: room for them without regrowing from one.
        slotHoldsObject.reserveCapacity(32)
    }

    // MARK: Values

    mutating func readValue(depth: Int) throws(Failure) -> PHPValue {
        let start = position
        let tag = try peek()
        // `R:` takes no slot; everything else takes the next one before its contents are read.
        if tag == UInt8(ascii: "R") {
            try header()
            let target = try readUnsigned()
            try expect(";")
            guard target >= 1 && target <= slotHoldsObject.count else {
                throw Failure(offset: start, reason: .invalidReference(target))
            }
            return .reference(target)
        }
        guard slotHoldsObject.count < limits.maxElements else {
            throw Failure(offset: start, reason: .elementLimitExceeded(limits.maxElements))
        }
        slotHoldsObject.append(false)
        let slot = slotHoldsObject.count
        switch tag {
        case UInt8(ascii: "N"):
            position += 1
            try expect(";")
            return .null
        case UInt8(ascii: "b"):
            try header()
            let valueOffset = position
            let byte = try next()
            guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else {
                throw Failure(offset: valueOffset, reason: .unexpectedByte(expected: "0 or 1", found: byte))
            }
            try expect(";")
            return .bool(byte == UInt8(ascii: "1"))
        case UInt8(ascii: "i"):
            try header()
            let value = try readSigned()
            try expect(";")
            return .int(value)
        case UInt8(ascii: "d"):
            try header()
            return .double(try readDouble())
        case UInt8(ascii: "s"):
            try header()
            let text = try readLengthPrefixed()
            try expect(";")
            return .string(text)
        case UInt8(ascii: "a"):
            try header()
            return .array(try readArrayBody(depth: depth, start: start))
        case UInt8(ascii: "O"):
            try header()
            slotHoldsObject[slot - 1] = true
            let className = try readClassName()
            try expect(":")
            return .object(PHPObject(className: className, properties: try readProperties(depth: depth, start: start)))
        case UInt8(ascii: "C"):
            try header()
            slotHoldsObject[slot - 1] = true
            let className = try readClassName()
            try expect(":")
            let length = try readUnsigned()
            try expect(":")
            try expect("{")
            let data = try take(length)
            try expect("}")
            return .custom(className: className, data: data)
        case UInt8(ascii: "E"):
            try header()
            slotHoldsObject[slot - 1] = true
            let (className, caseName) = try readEnumCase()
            try expect(";")
            return .enumCase(className: className, caseName: caseName)
        case UInt8(ascii: "r"):
            try header()
            slotHoldsObject[slot - 1] = true
            let target = try readUnsigned()
            try expect(";")
            guard target >= 1 && target < slot && slotHoldsObject[target - 1] else {
                throw Failure(offset: start, reason: .invalidReference(target))
            }
            return .objectReference(target)
        default:
            throw Failure(offset: start, reason: .unknownTag(tag))
        }
    }

    /// `<count>:{<key><value>…}` after `a:`.
    private mutating func readArrayBody(depth: Int, start: Int) throws(Failure) -> PHPArray {
        let count = try readCount(depth: depth, start: start)
        var entries: [PHPArray.Entry] = []
        entries.reserveCapacity(Swift.min(count, 1024))
        // Small arrays (most of a job's) check duplicates by scanning: cheaper than hashing every key.
        var seen = count > 32 ? Set<PHPArrayKey>() : nil
        for _ in 0..<count {
            let keyOffset = position
            let key = try readArrayKey()
            let duplicate = seen != nil ? !seen!.insert(key).inserted : entries.contains { $0.key == key }
            guard !duplicate else { throw Failure(offset: keyOffset, reason: .duplicateKey) }
            entries.append(PHPArray.Entry(key: key, value: try readValue(depth: depth + 1)))
        }
        try expect("}")
        return PHPArray(entries: entries)
    }

    /// `<count>:{<name><value>…}` after the class name of `O:`.
    private mutating func readProperties(depth: Int, start: Int) throws(Failure) -> [PHPProperty] {
        let count = try readCount(depth: depth, start: start)
        var properties: [PHPProperty] = []
        properties.reserveCapacity(Swift.min(count, 1024))
        var seen = count > 32 ? Set<ArraySlice<UInt8>>() : nil
        var names: [ArraySlice<UInt8>] = []
        if seen == nil { names.reserveCapacity(count) }
        for _ in 0..<count {
            let nameOffset = position
            let mangled = try readPropertyName()
            let duplicate = seen != nil ? !seen!.insert(mangled).inserted : names.contains { Self.same($0, mangled) }
            guard !duplicate else { throw Failure(offset: nameOffset, reason: .duplicateKey) }
            if seen == nil { names.append(mangled) }
            let (name, visibility) = PHPProperty.demangle(mangled)
            properties.append(PHPProperty(name: name, visibility: visibility, value: try readValue(depth: depth + 1)))
        }
        try expect("}")
        return properties
    }

    /// Byte equality of two names, by length first and then memory compare: the duplicate scan compares every
    /// pair of a small object's names, and the generic slice `==` went element by element.
    private static func same(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }

    /// `<count>:{`, refusing counts that cannot be real before anything is allocated for them.
    private mutating func readCount(depth: Int, start: Int) throws(Failure) -> Int {
        let countOffset = position
        let count = try readUnsigned()
        try expect(":")
        try expect("{")
        guard depth < limits.maxDepth else {
            throw Failure(offset: start, reason: .depthLimitExceeded(limits.maxDepth))
        }
        // The shortest element is 6 bytes (`i:0;N;`), and each element takes a slot.
        let remaining = bytes.count - position
        guard count <= remaining / 6, count <= limits.maxElements - slotHoldsObject.count else {
            throw Failure(offset: countOffset, reason: .countTooLarge(count))
        }
        return count
    }

    private mutating func readArrayKey() throws(Failure) -> PHPArrayKey {
        switch try peek() {
        case UInt8(ascii: "i"):
            try header()
            let value = try readSigned()
            try expect(";")
            return .int(value)
        case UInt8(ascii: "s"):
            try header()
            let text = try readLengthPrefixed()
            try expect(";")
            return PHPArrayKey.normalized(text)
        default:
            throw Failure(offset: position, reason: .invalidKey)
        }
    }

    /// The mangled name bytes; `i:` names become their decimal text, as PHP does. A slice of the input, not a
    /// copy: the name only becomes a String (an allocation per property was much of a command's unserializing).
    private mutating func readPropertyName() throws(Failure) -> ArraySlice<UInt8> {
        let offset = position
        let name: ArraySlice<UInt8>
        switch try peek() {
        case UInt8(ascii: "i"):
            try header()
            name = Array(String(try readSigned()).utf8)[...]
            try expect(";")
            return name
        case UInt8(ascii: "s"):
            try header()
            name = try readLengthPrefixedSlice()
            try expect(";")
        default:
            throw Failure(offset: offset, reason: .invalidKey)
        }
        guard Self.isUTF8(name) else { throw Failure(offset: offset, reason: .invalidPropertyName) }
        return name
    }

    /// `<len>:"<name>"` with PHP's class-name alphabet (`[A-Za-z0-9_\\\x80-\xff]`), required to be UTF-8.
    private mutating func readClassName() throws(Failure) -> String {
        let offset = position
        let name = try readLengthPrefixedSlice()
        guard let text = Self.identifier(name, allowBackslash: true) else {
            throw Failure(offset: offset, reason: .invalidClassName)
        }
        return text
    }

    /// `<len>:"<Class>:<Case>"` after `E:`.
    private mutating func readEnumCase() throws(Failure) -> (String, String) {
        let offset = position
        let text = try readLengthPrefixed()
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")),
              let className = Self.identifier(text[..<colon], allowBackslash: true),
              let caseName = Self.identifier(text[(colon + 1)...], allowBackslash: false)
        else { throw Failure(offset: offset, reason: .invalidEnumCase) }
        return (className, caseName)
    }

    private static func identifier(_ bytes: ArraySlice<UInt8>, allowBackslash: Bool) -> String? {
        guard !bytes.isEmpty else { return nil }
        for c in bytes {
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c >= 0x80 || (allowBackslash && c == UInt8(ascii: "\\"))
            if !ok { return nil }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// ASCII (nearly every property name) is checked without the validator, which builds a String: that was a
    /// third of unserializing a job's command.
    private static func isUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
    }

    // MARK: Lexical pieces

    /// `<len>:"<len bytes>"`
    private mutating func readLengthPrefixed() throws(Failure) -> [UInt8] {
        let length = try readUnsigned()
        try expect(":")
        try expect("\"")
        let text = try take(length)
        try expect("\"")
        return text
    }

    /// `readLengthPrefixed` without copying the bytes out of the input.
    private mutating func readLengthPrefixedSlice() throws(Failure) -> ArraySlice<UInt8> {
        let length = try readUnsigned()
        try expect(":")
        try expect("\"")
        let text = try takeSlice(length)
        try expect("\"")
        return text
    }

    private mutating func takeSlice(_ length: Int) throws(Failure) -> ArraySlice<UInt8> {
        guard length <= bytes.count - position else {
            throw Failure(offset: position, reason: .lengthOverrun(length))
        }
        defer { position += length }
        return bytes[position..<(position + length)]
    }

    private mutating func take(_ length: Int) throws(Failure) -> [UInt8] {
        guard length <= bytes.count - position else {
            throw Failure(offset: position, reason: .lengthOverrun(length))
        }
        let slice = bytes[position..<(position + length)]
        position += length
        return Array(slice)
    }

    /// `[0-9]+`, as PHP's `uiv`.
    private mutating func readUnsigned() throws(Failure) -> Int {
        let start = position
        var value = 0
        while position < bytes.count, let digit = Self.digit(bytes[position]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { throw Failure(offset: start, reason: .integerOverflow) }
            value = sum
            position += 1
        }
        guard position > start else { throw try unexpected("a digit") }
        return value
    }

    /// `[+-]?[0-9]+`, as PHP's `iv`; accumulated negatively so `Int.min` parses.
    private mutating func readSigned() throws(Failure) -> Int {
        let start = position
        var negative = false
        if let sign = bytes.at(position), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position += 1
        }
        let digitsStart = position
        var value = 0
        while position < bytes.count, let digit = Self.digit(bytes[position]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.subtractingReportingOverflow(digit)
            if o1 || o2 { throw Failure(offset: start, reason: .integerOverflow) }
            value = sum
            position += 1
        }
        guard position > digitsStart else { throw try unexpected("a digit") }
        if negative { return value }
        guard value != Int.min else { throw Failure(offset: start, reason: .integerOverflow) }
        return -value
    }

    /// The text up to `;` in PHP's float grammar (`iv`, `nv`, with optional exponent) or NAN/INF/-INF.
    private mutating func readDouble() throws(Failure) -> Double {
        let start = position
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) else {
            throw Failure(offset: bytes.count, reason: .unexpectedEnd)
        }
        let text = bytes[start..<end]
        position = end + 1
        switch String(decoding: text, as: UTF8.self) {
        case "NAN": return .nan
        case "INF": return .infinity
        case "-INF": return -.infinity
        default: break
        }
        guard Self.isPHPFloatLiteral(text), let value = Double(String(decoding: text, as: UTF8.self)) else {
            throw Failure(offset: start, reason: .invalidNumber)
        }
        return value
    }

    /// `[+-]? ([0-9]+ | [0-9]* "." [0-9]+ | [0-9]+ "." [0-9]*) ([eE] [+-]? [0-9]+)?`
    private static func isPHPFloatLiteral(_ text: ArraySlice<UInt8>) -> Bool {
        var i = text.startIndex
        func skipSign() { if i < text.endIndex, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 } }
        func digits() -> Int {
            let s = i
            while i < text.endIndex, digit(text[i]) != nil { i += 1 }
            return i - s
        }
        skipSign()
        var mantissaDigits = digits()
        if i < text.endIndex, text[i] == UInt8(ascii: ".") {
            i += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if i < text.endIndex, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            skipSign()
            guard digits() > 0 else { return false }
        }
        return i == text.endIndex
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    private func peek() throws(Failure) -> UInt8 {
        guard let byte = bytes.at(position) else { throw Failure(offset: position, reason: .unexpectedEnd) }
        return byte
    }

    private mutating func next() throws(Failure) -> UInt8 {
        let byte = try peek()
        position += 1
        return byte
    }

    /// Skips the tag byte and its `:`.
    private mutating func header() throws(Failure) {
        position += 1
        try expect(":")
    }

    /// Inlined: called a few times per value, ~85 times per job's command.
    @inline(__always)
    private mutating func expect(_ scalar: Unicode.Scalar) throws(Failure) {
        guard bytes.at(position) == UInt8(ascii: scalar) else { throw try unexpected("'\(scalar)'") }
        position += 1
    }

    /// The error for the byte at `position` not being `expected` (or for the input ending).
    private func unexpected(_ expected: String) throws(Failure) -> Failure {
        let found = try peek()
        return Failure(offset: position, reason: .unexpectedByte(expected: expected, found: found))
    }
}

extension Array where Element == UInt8 {
    /// The byte at `index`, or nil past the end.
    fileprivate func at(_ index: Int) -> UInt8? { index < count ? self[index] : nil }
}
