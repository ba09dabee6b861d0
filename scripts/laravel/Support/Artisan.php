<?php

namespace Shuttle\Harness;

use Illuminate\Console\Application as ConsoleApplication;
use Illuminate\Contracts\Debug\ExceptionHandler;
use Illuminate\Foundation\Application;
use Illuminate\Queue\Console;
use Symfony\Component\Console\Input\ArgvInput;
use Symfony\Component\Console\Output\OutputInterface;
use Throwable;

/** A minimal `php artisan` holding only Laravel 8.83's queue commands (no queue:listen, no table generators). */
final class Artisan
{
    public const COMMANDS = [
        Console\WorkCommand::class,            // queue:work
        Console\RetryCommand::class,           // queue:retry
        Console\ListFailedCommand::class,      // queue:failed
        Console\ForgetFailedCommand::class,    // queue:forget
        Console\FlushFailedCommand::class,     // queue:flush
        Console\RestartCommand::class,         // queue:restart
        Console\ClearCommand::class,           // queue:clear
        Console\MonitorCommand::class,         // queue:monitor
        Console\RetryBatchCommand::class,      // queue:retry-batch
        Console\PruneBatchesCommand::class,    // queue:prune-batches
        Console\PruneFailedJobsCommand::class, // queue:prune-failed
    ];

    /** Runs `artisan <argv…>`; returns the exit status. */
    public static function run(Application $app, array $argv, OutputInterface $output): int
    {
        $console = new ConsoleApplication($app, $app['events'], $app->version());
        $console->setName('Shuttle PHP harness (Laravel)');
        try {
            foreach (self::COMMANDS as $command) {
                $console->resolve($command);
            }
            return $console->run(new ArgvInput(array_merge(['artisan'], $argv)), $output);
        } catch (Throwable $e) {
            $app[ExceptionHandler::class]->report($e);
            $app[ExceptionHandler::class]->renderForConsole($output, $e);
            return 1;
        }
    }
}
