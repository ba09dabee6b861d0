<?php
/*
 * Laravel's queue console commands, as `php artisan` runs them:
 *   php artisan.php queue:retry all|UUID… [--queue=Q] [--range=1-5]
 *   php artisan.php queue:failed | queue:forget UUID | queue:flush [--hours=N] | queue:restart
 *   php artisan.php queue:clear [connection] [--queue=Q] | queue:monitor redis:default,… [--max=N]
 *   php artisan.php queue:retry-batch ID | queue:prune-batches [--hours=24] | queue:prune-failed [--hours=24]
 *   php artisan.php queue:work …   (same as work.php, but output on stdout)
 */

$app = require __DIR__.'/bootstrap.php';

$output = new Symfony\Component\Console\Output\ConsoleOutput();
exit(Shuttle\Harness\Artisan::run($app, array_slice($argv, 1), $output));
