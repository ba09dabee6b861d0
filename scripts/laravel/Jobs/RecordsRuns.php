<?php

namespace Shuttle\Jobs;

use Illuminate\Container\Container;

/**
 * Lets tests see every run of a job from outside: RPUSHes JSON entries to the list `$this->record` on the queue's
 * Redis connection (`default`, so phpredis prefixes the key like every other key: the list is PREFIX.record).
 * Format (scripts/laravel/README.md, "Probe record"): one "started" entry when handle() begins, one "ok" or
 * "exception" entry when it ends; a run killed mid-way (timeout, SIGKILL) leaves only its "started" entry.
 * Uses no properties of its own, so it changes nothing in the serialized job.
 */
trait RecordsRuns
{
    protected function beginRun(): array
    {
        $entry = [
            'uuid' => $this->job ? $this->job->uuid() : null,
            'attempt' => $this->job ? $this->job->attempts() : 1,
            'worker' => self::workerId(),
            'outcome' => 'started',
            'started' => microtime(true),
            'ended' => null,
        ];
        $this->recordEntry($entry);
        return $entry;
    }

    protected function endRun(array $entry, string $outcome): void
    {
        $entry['outcome'] = $outcome;
        $entry['ended'] = microtime(true);
        $this->recordEntry($entry);
    }

    protected function recordEntry(array $entry): void
    {
        if ($this->record === null) {
            return;
        }
        Container::getInstance()->make('redis')->connection('default')
            ->rpush($this->record, json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
    }

    /** "php:" + $SHUTTLE_WORKER_NAME (work.php sets it from --name), else "php:" + pid. */
    public static function workerId(): string
    {
        return 'php:'.(getenv('SHUTTLE_WORKER_NAME') ?: getmypid());
    }

    /** Sleeps the full time even when a signal (SIGTERM, SIGUSR2…) interrupts usleep(). */
    protected static function sleepFor(float $seconds): void
    {
        $deadline = microtime(true) + $seconds;
        while (($left = $deadline - microtime(true)) > 0) {
            usleep((int) ceil($left * 1e6));
        }
    }
}
