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
 * Spark's webhook hook base (cronxco/spark@373618f, spec §4.4/§5.3) as far as serialization goes: the typed
 * properties `integration`, `webhookPayload`, `headers`, `serviceName` and the queue options. The harness only
 * dispatches hooks; Shuttle runs them.
 */
abstract class BaseWebhookHookJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public $timeout = 60;
    public $tries = 3;
    public $backoff = [30, 120, 300];

    protected Integration $integration;
    protected array $webhookPayload;
    protected array $headers;
    protected string $serviceName;

    public function __construct(array $webhookPayload, array $headers, Integration $integration)
    {
        $this->integration = $integration;
        $this->webhookPayload = $webhookPayload;
        $this->headers = $headers;
        $this->serviceName = $this->getServiceName();
    }

    abstract protected function getServiceName(): string;

    public function handle(): void
    {
        throw new RuntimeException(static::class.' is run by Shuttle; the harness only dispatches it');
    }
}
