<?php
/*
 * Dispatches test jobs with Laravel's real dispatcher (dispatch() / PendingDispatch, Bus::chain, Bus::batch, Queue).
 *   php dispatch.php JOB [--queue Q] [--connection C] [--delay S] [--count N] [--json PROPS] [--size K]
 *                        [--model ID] [--payload RAW]
 * JOB: probe | noop | fails | release | encrypted | unique | max-exceptions | retry-until | model | chain | batch
 *      | closure | string | raw | any job class name (FQCN, constructed without arguments).
 * --json PROPS  JSON object of public properties set on each job (probe: sleep, failAttempts, record, tries, backoff,
 *               timeout, failOnTimeout); for `string`, the job's data array; ignored by `closure`.
 * --count N     dispatch N times (each a new job object); --size K jobs per chain (default 2) / batch (default 3).
 * --model ID    the App\Models\Integration key for `model`/`closure` (row created if missing; needs migrate.php).
 * --payload RAW the exact payload for `raw` (default: read stdin), pushed with Queue::pushRaw.
 * stdout: one line per job actually pushed to the queue: "<uuid> <id>" (payload uuid and RedisQueue id; a unique job
 * whose lock is taken pushes nothing). A batch's id goes to stderr as {"event":"batch","id":…}.
 */

use App\Models\Integration;
use Illuminate\Queue\Events\JobQueued;
use Illuminate\Queue\Queue;
use Illuminate\Support\Facades\Bus;
use Shuttle\Harness\EventLog;

$app = require __DIR__.'/bootstrap.php';

$usage = "usage: php dispatch.php JOB [--queue Q] [--connection C] [--delay S] [--count N] [--json PROPS] [--size K] [--model ID] [--payload RAW]\n";
$args = array_slice($argv, 1);
$job = null;
$opts = ['queue' => null, 'connection' => null, 'delay' => null, 'count' => '1', 'json' => null, 'size' => null,
    'model' => '3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f', 'payload' => null];
for ($i = 0; $i < count($args); $i++) {
    $arg = $args[$i];
    if (strncmp($arg, '--', 2) === 0) {
        [$name, $value] = array_pad(explode('=', substr($arg, 2), 2), 2, null);
        if (! array_key_exists($name, $opts)) {
            fwrite(STDERR, "unknown option --$name\n$usage");
            exit(2);
        }
        $opts[$name] = $value ?? $args[++$i] ?? null;
    } elseif ($job === null) {
        $job = $arg;
    } else {
        fwrite(STDERR, $usage);
        exit(2);
    }
}
if ($job === null) {
    fwrite(STDERR, $usage);
    exit(2);
}

$props = $opts['json'] === null ? [] : json_decode($opts['json'], true, 512, JSON_THROW_ON_ERROR);
$count = (int) $opts['count'];

// uuid from the payload hook (runs before the push), id from JobQueued (after it): print both per pushed job.
$lastUuid = null;
Queue::createPayloadUsing(function ($connection, $queue, $payload) use (&$lastUuid) {
    $lastUuid = $payload['uuid'] ?? null;
    return [];
});
$app['events']->listen(JobQueued::class, function (JobQueued $event) use (&$lastUuid) {
    echo $lastUuid, ' ', $event->id, "\n";
});

$withProps = function (object $job) use ($props) {
    foreach ($props as $name => $value) {
        if (! property_exists($job, $name)) {
            throw new InvalidArgumentException(get_class($job)." has no property $name");
        }
        $job->{$name} = $value;
    }
    return $job;
};

$classes = [
    'probe' => Shuttle\Jobs\Probe::class,
    'noop' => App\Jobs\NoopJob::class,
    'fails' => App\Jobs\AlwaysFailsJob::class,
    'release' => App\Jobs\ReleasesItselfJob::class,
    'encrypted' => App\Jobs\EncryptedJob::class,
    'unique' => App\Jobs\UniqueJob::class,
    'max-exceptions' => App\Jobs\MaxExceptionsJob::class,
    'retry-until' => App\Jobs\RetryUntilJob::class,
];

$integration = function () use ($opts) {
    return Integration::query()->firstOrCreate(['id' => $opts['model']]);
};

// Applies --queue / --connection / --delay the way application code would (only when given, as in the fixtures).
$configure = function ($pending) use ($opts) {
    if ($opts['connection'] !== null) {
        $pending->onConnection($opts['connection']);
    }
    if ($opts['queue'] !== null) {
        $pending->onQueue($opts['queue']);
    }
    if ($opts['delay'] !== null) {
        $pending->delay((int) $opts['delay']);
    }
    return $pending;
};

for ($n = 0; $n < $count; $n++) {
    switch ($job) {
        case 'model':
            $configure(dispatch(new App\Jobs\OAuth\Monzo\MonzoAccountPull($integration())));
            break;
        case 'chain':
            $jobs = [];
            for ($k = 0; $k < (int) ($opts['size'] ?? 2); $k++) {
                $jobs[] = $withProps(new Shuttle\Jobs\Probe());
            }
            $configure(Bus::chain($jobs))->dispatch();
            break;
        case 'batch':
            $jobs = [];
            for ($k = 0; $k < (int) ($opts['size'] ?? 3); $k++) {
                $jobs[] = $withProps(new App\Jobs\BatchedProbe());
            }
            $pending = Bus::batch($jobs)->name('shuttle-probe-batch');
            if ($opts['connection'] !== null) {
                $pending->onConnection($opts['connection']);
            }
            if ($opts['queue'] !== null) {
                $pending->onQueue($opts['queue']);
            }
            $batch = $pending->dispatch();
            EventLog::write('batch', ['id' => $batch->id, 'total' => $batch->totalJobs]);
            break;
        case 'closure':
            $model = $integration();
            $configure(dispatch(function () use ($model) {
                if ($model->getKey() === null) {
                    throw new RuntimeException('closure model not restored');
                }
            }));
            break;
        case 'string':
            $connection = $app['queue']->connection($opts['connection']);
            if ($opts['delay'] !== null) {
                $connection->later((int) $opts['delay'], 'App\Jobs\StringHandler@handle', $props, $opts['queue']);
            } else {
                $connection->push('App\Jobs\StringHandler@handle', $props, $opts['queue']);
            }
            break;
        case 'raw':
            $payload = $opts['payload'] ?? stream_get_contents(STDIN);
            $id = $app['queue']->connection($opts['connection'])->pushRaw($payload, $opts['queue']);
            echo json_decode($payload, true)['uuid'] ?? '', ' ', $id, "\n";
            break;
        default:
            $class = $classes[$job] ?? $job;
            if (! class_exists($class)) {
                fwrite(STDERR, "unknown job $job\n$usage");
                exit(2);
            }
            // PendingDispatch pushes in its destructor (after the unique-lock check), when this statement ends.
            $configure(dispatch($withProps(new $class())));
    }
}
