import Foundation
import TestSupport
import XCTest

/// Drives Debian's Laravel 8 (`Illuminate\…` on PHP's include path) against a test database: its schema
/// builder creates the tables as the migration stubs do, and its real `DatabaseUuidFailedJobProvider`,
/// `DatabaseStore` and `DatabaseBatchRepository` read and write them. Strings travel base64-encoded.
enum LaravelDatabasePHP {
    /// Runs `action` with `arguments`; returns the decoded JSON result.
    static func run(_ db: QueueTestDatabase, _ action: String, _ arguments: [String: Any] = [:], timezone: String = "UTC")
        throws -> Any?
    {
        var input = arguments
        input["action"] = action
        input["timezone"] = timezone
        input["db"] = try JSONSerialization.jsonObject(with: Data(db.phpConnectionJSON.utf8))
        let stdin = try JSONSerialization.data(withJSONObject: input)
        let url = try scriptURL()
        let result = try ProcessRunner.run(["php", url.path], stdin: [UInt8](stdin))
        return try JSONSerialization.jsonObject(with: Data(result.stdout), options: [.fragmentsAllowed])
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func base64(_ text: String) -> String { base64(Array(text.utf8)) }
    static func bytes(_ base64: Any?) -> [UInt8]? {
        (base64 as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
    }
    static func text(_ base64: Any?) -> String? {
        bytes(base64).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func scriptURL() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shuttle-laravel-db-\(getpid()).php")
        if !FileManager.default.fileExists(atPath: url.path) {
            try Data(script.utf8).write(to: url, options: .atomic)
        }
        return url
    }

    private static let script = #"""
    <?php
    require 'Illuminate/autoload.php';

    use Illuminate\Bus\BatchFactory;
    use Illuminate\Bus\DatabaseBatchRepository;
    use Illuminate\Cache\DatabaseStore;
    use Illuminate\Database\Capsule\Manager as Capsule;
    use Illuminate\Database\Schema\Blueprint;
    use Illuminate\Queue\Failed\DatabaseUuidFailedJobProvider;

    $in = json_decode(stream_get_contents(STDIN), true);
    date_default_timezone_set($in['timezone']);
    $capsule = new Capsule;
    $capsule->addConnection($in['db']);
    $conn = $capsule->getConnection();
    $b64 = function ($record) {
        if ($record === null) return null;
        return array_map(fn ($v) => is_string($v) ? base64_encode($v) : $v, (array) $record);
    };
    $failer = fn () => new DatabaseUuidFailedJobProvider($capsule->getDatabaseManager(), 'default', 'failed_jobs');
    $store = fn () => new DatabaseStore($conn, 'cache', $in['prefix'] ?? '');
    $batches = fn () => new DatabaseBatchRepository(new BatchFactory(new class implements \Illuminate\Contracts\Queue\Factory {
        public function connection($name = null) { return null; }
    }), $conn, 'job_batches');
    $out = null;

    switch ($in['action']) {
        case 'migrate':
            // The bodies of the failed_jobs, cache and batches migration stubs.
            $schema = $conn->getSchemaBuilder();
            $schema->create('failed_jobs', function (Blueprint $table) {
                $table->id();
                $table->string('uuid')->unique();
                $table->text('connection');
                $table->text('queue');
                $table->longText('payload');
                $table->longText('exception');
                $table->timestamp('failed_at')->useCurrent();
            });
            $schema->create('cache', function (Blueprint $table) {
                $table->string('key')->primary();
                $table->mediumText('value');
                $table->integer('expiration');
            });
            $schema->create('job_batches', function (Blueprint $table) {
                $table->string('id')->primary();
                $table->string('name');
                $table->integer('total_jobs');
                $table->integer('pending_jobs');
                $table->integer('failed_jobs');
                $table->longText('failed_job_ids');
                $table->mediumText('options')->nullable();
                $table->integer('cancelled_at')->nullable();
                $table->integer('created_at');
                $table->integer('finished_at')->nullable();
            });
            $out = true;
            break;
        case 'failed.all':
            $out = array_map($b64, $failer()->all());
            break;
        case 'failed.find':
            $out = $b64($failer()->find($in['id']));
            break;
        case 'failed.forget':
            $out = $failer()->forget($in['id']);
            break;
        case 'failed.log':
            $exception = new class(base64_decode($in['exception'])) {
                public function __construct(private string $text) {}
                public function __toString(): string { return $this->text; }
            };
            $out = $failer()->log($in['connection'], $in['queue'], base64_decode($in['payload']), $exception);
            break;
        case 'mb_convert_encoding':
            $out = array_map(fn ($b) => base64_encode(mb_convert_encoding(base64_decode($b), 'UTF-8')), $in['inputs']);
            break;
        case 'cache.get':
            $out = $store()->get($in['key']);
            break;
        case 'cache.put':
            $out = $store()->put($in['key'], $in['value'], $in['seconds']);
            break;
        case 'cache.increment':
            $out = $store()->increment($in['key'], $in['by']);
            break;
        case 'cache.forever':
            $out = $store()->forever($in['key'], $in['value']);
            break;
        case 'cache.raw':
            $out = $b64($conn->table('cache')->where('key', $in['key'])->first());
            break;
        case 'batch.store':
            $pending = new \Illuminate\Bus\PendingBatch(new \Illuminate\Container\Container, collect());
            $pending->name($in['name']);
            if ($in['allowFailures']) $pending->allowFailures();
            if ($in['withCallbacks']) {
                $pending->then(function () {})->catch(function () {})->finally(function () {});
            }
            $batch = $batches()->store($pending);
            $batches()->incrementTotalJobs($batch->id, $in['jobs']);
            $out = $batch->id;
            break;
        case 'batch.find':
            $batch = $batches()->find($in['id']);
            $out = $batch === null ? null : [
                'pendingJobs' => $batch->pendingJobs, 'failedJobs' => $batch->failedJobs,
                'failedJobIds' => $batch->failedJobIds, 'allowsFailures' => $batch->allowsFailures(),
                'cancelled' => $batch->cancelled(), 'finished' => $batch->finished(),
                'totalJobs' => $batch->totalJobs, 'processedJobs' => $batch->processedJobs(),
            ];
            break;
        case 'batch.recordSuccessfulJob':
            $batches()->find($in['id'])->recordSuccessfulJob($in['job']);
            $out = true;
            break;
        case 'batch.recordFailedJob':
            $batches()->find($in['id'])->recordFailedJob($in['job'], new Exception('failed'));
            $out = true;
            break;
        case 'eval':
            eval($in['code']);
            $out = true;
            break;
        default:
            fwrite(STDERR, "unknown action {$in['action']}\n");
            exit(2);
    }
    echo json_encode($out);
    """#
}
