/// PHP's `mb_convert_encoding($text, 'UTF-8')` from UTF-8: every maximal ill-formed subsequence becomes
/// one `?` (PHP's default substitute character); valid text, NUL bytes included, passes unchanged.
///
/// Laravel 9.2+ stores exception texts this way, so a database with a UTF-8 text column accepts them.
/// The standard library's parser finds the same maximal subsequences PHP does; only the substitute differs
/// (`String(decoding:as:)` writes U+FFFD, PHP `?`), hence this loop rather than that initializer.
public enum PHPUTF8 {
    public static func convert(_ bytes: [UInt8]) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var scalars = String.UnicodeScalarView()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): scalars.append(Unicode.UTF8.decode(encoded))
            case .error: scalars.append("?")
            case .emptyInput: return String(scalars)
            }
        }
    }
}
