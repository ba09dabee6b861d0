<?php
/*
 * Laravel's real `php artisan queue:work`:
 *   php work.php [connection] [--queue=a,b] [--sleep=3] [--tries=1] [--timeout=60] [--once] [--stop-when-empty]
 *                [--max-jobs=0] [--max-time=0] [--backoff=0] [--memory=128] [--rest=0] [--name=default] [--force]
 * Command output and one JSON line per job event (see Support/EventLog.php) go to stderr; stdout stays empty.
 */

$app = require __DIR__.'/bootstrap.php';

// The worker's --name, for the record entries of Probe & co ("php:<name>"; without --name "php:<pid>").
foreach ($argv as $i => $arg) {
    if (strncmp($arg, '--name=', 7) === 0) {
        putenv('SHUTTLE_WORKER_NAME='.substr($arg, 7));
    } elseif ($arg === '--name' && isset($argv[$i + 1])) {
        putenv('SHUTTLE_WORKER_NAME='.$argv[$i + 1]);
    }
}

Shuttle\Harness\EventLog::listen($app['events']);
Shuttle\Harness\EventLog::write('worker-starting', ['argv' => array_slice($argv, 1)]);

$output = new Symfony\Component\Console\Output\StreamOutput(STDERR);
exit(Shuttle\Harness\Artisan::run($app, array_merge(['queue:work'], array_slice($argv, 1)), $output));
