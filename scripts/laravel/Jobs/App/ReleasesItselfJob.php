<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;

/** fixtures/laravel8 `release`: release($releaseDelay) on attempt 1, succeeds on attempt 2. */
class ReleasesItselfJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 3;
    public $releaseDelay = 3;

    public function handle(): void
    {
        if ($this->attempts() === 1) {
            $this->release($this->releaseDelay);
        }
    }
}
