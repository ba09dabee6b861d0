<?php

namespace App\Jobs\Base;

use App\Models\Integration;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use RuntimeException;

/**
 * Spark's processing-job base (cronxco/spark@373618f, spec §4.4/§5.2) as far as serialization goes: the
 * typed properties `integration`, `rawData`, `serviceName` and the queue options. The harness only dispatches
 * these jobs; Shuttle runs them.
 */
abstract class BaseProcessingJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public $timeout = 300;
    public $tries = 2;
    public $backoff = [120, 300];

    protected Integration $integration;
    protected array $rawData;
    protected string $serviceName;

    public function __construct(Integration $integration, array $rawData)
    {
        $this->integration = $integration;
        $this->rawData = $rawData;
        $this->serviceName = $this->getServiceName();
    }

    abstract protected function getServiceName(): string;

    public function handle(): void
    {
        throw new RuntimeException(static::class.' is run by Shuttle; the harness only dispatches it');
    }
}
