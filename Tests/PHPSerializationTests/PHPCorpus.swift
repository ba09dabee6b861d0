import Foundation
import PHPSerialization
import TestSupport

/// Values written as PHP expressions next to the `PHPValue` we expect them to be, so that real PHP
/// (`php` CLI) is the oracle for the bytes in both directions.
enum PHPCorpus {
    struct Case {
        var name: String
        /// A PHP expression, or a `function() { …; return …; }` when it needs statements.
        var php: String
        var expected: PHPValue
    }

    /// Class and enum declarations the cases use; also loaded when PHP reads what Swift wrote.
    static let prelude = #"""
    class Point { public $x = 1; protected $y = 2; private $z = 3; }
    class Child extends Point { private $z = 4; public $w = 'w'; }
    class Legacy implements Serializable {
        public $d;
        function __construct($d = '') { $this->d = $d; }
        function serialize() { return $this->d; }
        function unserialize($s) { $this->d = $s; }
    }
    enum Suit: string { case Hearts = 'H'; case Spades = 'S'; }
    enum Plain { case A; case B; }
    """#

    static func str(_ s: String) -> PHPValue { .string(s) }
    static func list(_ v: [PHPValue]) -> PHPValue { .array(PHPArray(list: v)) }
    static func dict(_ pairs: [(PHPArrayKey, PHPValue)]) -> PHPValue {
        .array(PHPArray(entries: pairs.map { PHPArray.Entry(key: $0.0, value: $0.1) }))
    }
    static func object(_ cls: String, _ props: [PHPProperty]) -> PHPValue {
        .object(PHPObject(className: cls, properties: props))
    }

    static let cases: [Case] = scalars + strings + arrays + objects

    static let scalars: [Case] = [
        Case(name: "null", php: "null", expected: .null),
        Case(name: "true", php: "true", expected: .bool(true)),
        Case(name: "false", php: "false", expected: .bool(false)),
        Case(name: "int0", php: "0", expected: .int(0)),
        Case(name: "intneg", php: "-42", expected: .int(-42)),
        Case(name: "intmax", php: "PHP_INT_MAX", expected: .int(Int.max)),
        Case(name: "intmin", php: "PHP_INT_MIN", expected: .int(Int.min)),
        Case(name: "f0.1", php: "0.1", expected: .double(0.1)),
        Case(name: "fthird", php: "1/3", expected: .double(1.0 / 3.0)),
        Case(name: "f1e14", php: "1e14", expected: .double(1e14)),
        Case(name: "f1e15", php: "1e15", expected: .double(1e15)),
        Case(name: "f1e16", php: "1e16", expected: .double(1e16)),
        Case(name: "f1e17", php: "1e17", expected: .double(1e17)),
        Case(name: "fbelow1e17", php: "99999999999999984.0", expected: .double(99999999999999984.0)),
        Case(name: "f1e25", php: "1e25", expected: .double(1e25)),
        Case(name: "f1e-4", php: "1e-4", expected: .double(1e-4)),
        Case(name: "fbelow1e-4", php: "0.000099999", expected: .double(0.000099999)),
        Case(name: "f1e-5", php: "1e-5", expected: .double(1e-5)),
        Case(name: "f1.5e-7", php: "-1.5e-7", expected: .double(-1.5e-7)),
        Case(name: "fnegzero", php: "-0.0", expected: .double(-0.0)),
        Case(name: "fzero", php: "0.0", expected: .double(0.0)),
        Case(name: "f100", php: "100.0", expected: .double(100.0)),
        Case(name: "f1.5", php: "1.5", expected: .double(1.5)),
        Case(name: "fbig", php: "123456789012345678.0", expected: .double(123456789012345678.0)),
        Case(name: "fmax", php: "PHP_FLOAT_MAX", expected: .double(.greatestFiniteMagnitude)),
        Case(name: "fmin", php: "PHP_FLOAT_MIN", expected: .double(.leastNormalMagnitude)),
        Case(name: "fdenorm", php: "5e-324", expected: .double(.leastNonzeroMagnitude)),
        Case(name: "fnan", php: "NAN", expected: .double(.nan)),
        Case(name: "finf", php: "INF", expected: .double(.infinity)),
        Case(name: "fneginf", php: "-INF", expected: .double(-.infinity)),
    ]

    static let strings: [Case] = [
        Case(name: "sempty", php: "''", expected: str("")),
        Case(name: "shello", php: "'hello'", expected: str("hello")),
        Case(name: "snul", php: #""a\0b\0""#, expected: .string([97, 0, 98, 0])),
        Case(name: "sutf8", php: "'café/x 日本'", expected: str("café/x 日本")),
        Case(name: "sinvalid", php: #""\xff\xfe\xc3""#, expected: .string([0xFF, 0xFE, 0xC3])),
        Case(name: "squotes", php: #""\"q\" ';{}:\\ \n""#, expected: str("\"q\" ';{}:\\ \n")),
    ]

    static let arrays: [Case] = [
        Case(name: "aempty", php: "[]", expected: list([])),
        Case(name: "alist", php: "[1, 'two', 3.5, null, false]",
             expected: list([.int(1), str("two"), .double(3.5), .null, .bool(false)])),
        Case(name: "anested", php: "['a' => [1, ['b' => []]], 'c' => [[[]]]]",
             expected: dict([(.string("a"), list([.int(1), dict([(.string("b"), list([]))])])),
                             (.string("c"), list([list([list([])])]))])),
        Case(name: "akeys",
             php: #"[5 => 'a', '7' => 'b', '-3' => 'c', '07' => 'd', '-0' => 'e', '1.5' => 'f', '9223372036854775807' => 'g', '9223372036854775808' => 'h', ' 1' => 'i', '' => 'j', 'x' => 'k', -9 => 'l']"#,
             expected: dict([(.int(5), str("a")), (.int(7), str("b")), (.int(-3), str("c")),
                             (.string("07"), str("d")), (.string("-0"), str("e")),
                             (.string("1.5"), str("f")), (.int(Int.max), str("g")),
                             (.string("9223372036854775808"), str("h")), (.string(" 1"), str("i")),
                             (.string(""), str("j")), (.string("x"), str("k")), (.int(-9), str("l"))])),
        Case(name: "aintmin", php: #"['-9223372036854775808' => 1, '-9223372036854775809' => 2]"#,
             expected: dict([(.int(Int.min), .int(1)), (.string("-9223372036854775809"), .int(2))])),
    ]

    static let objects: [Case] = [
        Case(name: "ostd", php: "(object)['a' => 1, 'b' => 'x', '0' => null]",
             expected: object("stdClass", [PHPProperty(name: "a", value: .int(1)), PHPProperty(name: "b", value: str("x")),
                                           PHPProperty(name: "0", value: .null)])),
        Case(name: "oempty", php: "new stdClass", expected: object("stdClass", [])),
        Case(name: "opoint", php: "new Point", expected: object("Point", [
            PHPProperty(name: "x", value: .int(1)),
            PHPProperty(name: "y", visibility: .protected, value: .int(2)),
            PHPProperty(name: "z", visibility: .private(declaringClass: "Point"), value: .int(3)),
        ])),
        Case(name: "ochild", php: "new Child", expected: object("Child", [
            PHPProperty(name: "x", value: .int(1)),
            PHPProperty(name: "y", visibility: .protected, value: .int(2)),
            PHPProperty(name: "z", visibility: .private(declaringClass: "Point"), value: .int(3)),
            PHPProperty(name: "z", visibility: .private(declaringClass: "Child"), value: .int(4)),
            PHPProperty(name: "w", value: str("w")),
        ])),
        Case(name: "enum", php: "Suit::Hearts", expected: .enumCase(className: "Suit", caseName: "Hearts")),
        Case(name: "enumpure", php: "[Plain::A, Plain::B, Plain::A]", expected: list([
            .enumCase(className: "Plain", caseName: "A"), .enumCase(className: "Plain", caseName: "B"), .objectReference(2),
        ])),
        Case(name: "custom", php: #"new Legacy("x:{}\";\0")"#,
             expected: .custom(className: "Legacy", data: Array("x:{}\";\0".utf8))),
        Case(name: "objref", php: "function() { $a = new stdClass; $b = new stdClass; return [$a, $a, $b, $b]; }",
             expected: list([object("stdClass", []), .objectReference(2), object("stdClass", []), .objectReference(4)])),
        Case(name: "selfref", php: "function() { $o = new stdClass; $o->self = $o; $o->n = [$o]; return $o; }",
             expected: object("stdClass", [PHPProperty(name: "self", value: .objectReference(1)),
                                           PHPProperty(name: "n", value: list([.objectReference(1)]))])),
        Case(name: "hardref", php: "function() { $x = 1; $y = 'y'; return [&$x, [&$y, &$x], &$y]; }",
             expected: list([.int(1), list([str("y"), .reference(2)]), .reference(4)])),
        Case(name: "datetime", php: "new DateTime('2024-01-02 03:04:05', new DateTimeZone('UTC'))",
             expected: object("DateTime", [PHPProperty(name: "date", value: str("2024-01-02 03:04:05.000000")),
                                           PHPProperty(name: "timezone_type", value: .int(3)),
                                           PHPProperty(name: "timezone", value: str("UTC"))])),
    ]

    /// PHP code printing `name base64(serialize(value))` for every case.
    static func phpScript() -> String {
        var code = prelude + "\n$cases = [];\n"
        for c in cases {
            let expr = c.php.hasPrefix("function") ? "(\(c.php))()" : c.php
            code += "$cases['\(c.name)'] = \(expr);\n"
        }
        code += #"foreach ($cases as $k => $v) { echo $k, ' ', base64_encode(serialize($v)), "\n"; }"#
        return code
    }

    /// Runs PHP code after the prelude is part of it; notices go to stderr so stdout stays data.
    static func runPHP(_ code: String, stdin: [UInt8] = []) throws -> ProcessResult {
        try ProcessRunner.run(["php", "-d", "display_errors=stderr", "-d", "log_errors=0", "-r", code], stdin: stdin)
    }

    struct BadOutput: Error, CustomStringConvertible {
        var line: String
        var description: String { "unexpected PHP output line: \(line)" }
    }

    /// What real PHP serializes each case to, by name.
    static func phpSerialized() throws -> [(name: String, bytes: [UInt8])] {
        let out = try runPHP(phpScript()).stdoutText
        return try out.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let data = Data(base64Encoded: String(parts[1])) else {
                throw BadOutput(line: String(line))
            }
            return (String(parts[0]), [UInt8](data))
        }
    }

    /// Sends Swift's bytes to PHP, which unserializes and re-serializes each; returns PHP's bytes.
    static func phpReserialize(_ inputs: [[UInt8]]) throws -> [[UInt8]] {
        let stdin = inputs.map { Data($0).base64EncodedString() + "\n" }.joined()
        let code = prelude + #"""

        while (($line = fgets(STDIN)) !== false) {
            $v = unserialize(base64_decode(trim($line)));
            echo base64_encode(serialize($v)), "\n";
        }
        """#
        let out = try runPHP(code, stdin: Array(stdin.utf8)).stdoutText
        return try out.split(separator: "\n").map { line in
            guard let data = Data(base64Encoded: String(line)) else { throw BadOutput(line: String(line)) }
            return [UInt8](data)
        }
    }
}
