<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;
use Shuttle\Jobs\RecordsRuns;

/** Throws every attempt; retried (backoff 1) until retryUntil() = dispatch time + $retryFor seconds, then fails. */
class RetryUntilJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, RecordsRuns;

    public $retryFor = 5;
    public $backoff = 1;
    public $record = null;

    public function retryUntil(): \DateTimeInterface
    {
        return now()->addSeconds($this->retryFor);
    }

    public function handle(): void
    {
        $this->endRun($this->beginRun(), 'exception');
        throw new RuntimeException("RetryUntilJob failed on attempt {$this->attempts()}");
    }
}
