<?php

namespace Shuttle\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;

/**
 * The built-in probe job, which Shuttle also runs natively: sleeps, optionally fails its first attempts, and records
 * each run (RecordsRuns). Typed properties keep the serialized form canonical (sleep is always a float `d:`).
 * Serialized property order: sleep, failAttempts, record, tries, backoff, timeout, failOnTimeout, then Queueable's.
 */
class Probe implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, RecordsRuns;

    /** Seconds handle() sleeps. */
    public float $sleep = 0.0;
    /** handle() throws on every attempt ≤ this. */
    public int $failAttempts = 0;
    /** Redis list (prefixed like every key) receiving run entries; null = record nothing. */
    public ?string $record = null;
    // Payload-level settings (maxTries, backoff, timeout, failOnTimeout in the payload).
    public ?int $tries = null;
    /** int seconds or list of seconds */
    public $backoff = null;
    public ?int $timeout = null;
    public bool $failOnTimeout = false;

    /** @param array $properties initial values of the public properties above, by name */
    public function __construct(array $properties = [])
    {
        foreach ($properties as $name => $value) {
            if (! property_exists($this, $name)) {
                throw new \InvalidArgumentException(static::class." has no property $name");
            }
            $this->{$name} = $value;
        }
    }

    public function handle(): void
    {
        $entry = $this->beginRun();
        self::sleepFor($this->sleep);
        $fails = $entry['attempt'] <= $this->failAttempts;
        $this->endRun($entry, $fails ? 'exception' : 'ok');
        if ($fails) {
            throw new RuntimeException("Probe failed on attempt {$entry['attempt']}");
        }
    }
}
