<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;

/** fixtures/laravel8 `fails`: throws on every attempt (tries 2, backoff 1, non-ASCII message). */
class AlwaysFailsJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 2;
    public $backoff = 1;
    public $reason = 'peer: this job always fails — ünïcødé ✓';

    public function handle(): void
    {
        throw new RuntimeException($this->reason);
    }
}
