<?php

namespace App\Jobs\OAuth\Monzo;

use App\Models\Integration;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use RuntimeException;

/** fixtures/laravel8 `monzo-pull`: a SerializesModels job holding an Integration (timeout 120, tries 3, backoff 60,300,600). */
class MonzoAccountPull implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public $timeout = 120;
    public $tries = 3;
    public $backoff = [60, 300, 600];
    protected $integration;

    public function __construct(Integration $integration)
    {
        $this->integration = $integration;
    }

    public function handle(): void
    {
        if (! $this->integration->exists) {
            throw new RuntimeException('model not restored');
        }
    }
}
