/// This build's version, for `shuttle --version` and `shuttle about` (what an operator quotes in a report).
public enum ShuttleVersion {
    public static let current = "0.1.0"
}
