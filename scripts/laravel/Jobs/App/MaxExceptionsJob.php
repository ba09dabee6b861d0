<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;
use Shuttle\Jobs\RecordsRuns;

/** Throws every attempt; tries 5 but maxExceptions 2, so it fails on attempt 2 (cache key job-exceptions:<uuid>). */
class MaxExceptionsJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, RecordsRuns;

    public $tries = 5;
    public $maxExceptions = 2;
    public $backoff = 0;
    public $record = null;

    public function handle(): void
    {
        $this->endRun($this->beginRun(), 'exception');
        throw new RuntimeException("MaxExceptionsJob failed on attempt {$this->attempts()}");
    }
}
