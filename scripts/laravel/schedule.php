<?php
/*
 * Laravel 8.83's `php artisan schedule:run` with Spark's one schedule entry (routes/console.php at
 * cronxco/spark@373618f):
 *     Schedule::job(new CheckIntegrationUpdates)->everyMinute()->withoutOverlapping()->onOneServer();
 *
 *   php schedule.php [--now=2025-09-02T21:30:00Z]
 *
 * `--now` fixes the clock (Carbon::setTestNow) so the one-server key's minute is known. stdout: the command's
 * own lines ("Running scheduled command: …" or "Skipping command (has already run on another server): …").
 */

$app = require __DIR__.'/bootstrap.php';

use App\Jobs\CheckIntegrationUpdates;
use Illuminate\Console\Scheduling\Schedule;
use Illuminate\Console\Scheduling\ScheduleRunCommand;
use Illuminate\Support\Carbon;
use Symfony\Component\Console\Input\ArrayInput;
use Symfony\Component\Console\Output\StreamOutput;

foreach (array_slice($argv, 1) as $argument) {
    if (strncmp($argument, '--now=', 6) === 0) {
        Carbon::setTestNow(Carbon::parse(substr($argument, 6)));
    }
}

$app->singleton(Schedule::class, function () {
    $schedule = new Schedule('UTC');
    $schedule->job(new CheckIntegrationUpdates)->everyMinute()->withoutOverlapping()->onOneServer();
    return $schedule;
});

$command = new ScheduleRunCommand();
$command->setLaravel($app);
exit($command->run(new ArrayInput([]), new StreamOutput(STDOUT)));
