<?php
/*
 * `php artisan queue:work …` on the harness's Laravel 8 app, without the harness's per-job JSON event log
 * (scripts/laravel/work.php adds one), so the benchmark times the plain worker. Output on stderr.
 *   php queue-work.php [queue:work options…]
 */
$app = require __DIR__.'/../laravel/bootstrap.php';
$output = new Symfony\Component\Console\Output\StreamOutput(STDERR);
exit(Shuttle\Harness\Artisan::run($app, array_merge(['queue:work'], array_slice($argv, 1)), $output));
