<?php

namespace App\Jobs\OAuth\Monzo;

use App\Models\Integration;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use RuntimeException;

/**
 * Spark's MonzoTransactionPull as far as serialization goes (BaseFetchJob, spec §4.4): the typed `integration`,
 * `serviceName` "monzo", timeout 120, tries 3, backoff 60,300,600. The harness only dispatches it; Shuttle runs it.
 */
class MonzoTransactionPull implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public $timeout = 120;
    public $tries = 3;
    public $backoff = [60, 300, 600];

    protected Integration $integration;
    protected string $serviceName;

    public function __construct(Integration $integration)
    {
        $this->integration = $integration;
        $this->serviceName = 'monzo';
    }

    public function handle(): void
    {
        throw new RuntimeException(static::class.' is run by Shuttle; the harness only dispatches it');
    }
}
