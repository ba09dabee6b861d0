import Foundation
import TestSupport

/// Loads `.env` text with the real vlucas/phpdotenv (Debian's, the one Laravel 8 uses), configured as
/// Laravel configures it: default adapters + putenv, immutable.
enum DotEnvPHPReference {
    enum Outcome: Equatable {
        case values([String: String?])
        /// phpdotenv's message without its "Failed to parse dotenv file. " lead-in.
        case error(String)
    }

    static let script = #"""
    require 'Dotenv/autoload.php';
    use Dotenv\Dotenv; use Dotenv\Store\StringStore; use Dotenv\Parser\Parser; use Dotenv\Loader\Loader;
    use Dotenv\Repository\RepositoryBuilder; use Dotenv\Repository\Adapter\PutenvAdapter;
    $repo = RepositoryBuilder::createWithDefaultAdapters()->addAdapter(PutenvAdapter::class)->immutable()->make();
    $names = json_decode(getenv('DOTENV_REFERENCE_NAMES'), true);
    try { (new Dotenv(new StringStore(stream_get_contents(STDIN)), new Parser(), new Loader(), $repo))->load(); }
    catch (Throwable $e) { echo json_encode(['error' => $e->getMessage()]); exit; }
    $out = []; foreach ($names as $n) { $out[$n] = $repo->get($n); }
    echo json_encode(['values' => (object) $out], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    """#

    struct UnexpectedOutput: Error { let text: String }

    static func load(_ contents: String, names: [String], environment: [String: String]) throws -> Outcome {
        var env = environment
        env["DOTENV_REFERENCE_NAMES"] = String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
        let result = try ProcessRunner.phpCode(script, stdin: Array(contents.utf8), environment: env)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        if let message = object?["error"] as? String {
            return .error(message.replacingOccurrences(of: "Failed to parse dotenv file. ", with: ""))
        }
        guard let values = object?["values"] as? [String: Any] else {
            throw UnexpectedOutput(text: result.stdoutText + result.stderrText)
        }
        return .values(values.mapValues { $0 as? String })
    }
}
