<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldBeUnique;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;

/** fixtures/laravel8 `unique`: lock laravel_unique_job:App\Jobs\UniqueJobacc_unique_1 for 60 s. */
class UniqueJob implements ShouldQueue, ShouldBeUnique
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $uniqueFor = 60;
    public $accountId = 'acc_unique_1';

    public function uniqueId(): string
    {
        return $this->accountId;
    }

    public function handle(): void
    {
    }
}
