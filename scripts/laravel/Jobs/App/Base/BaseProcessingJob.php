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
 * typed properties `integration`, `rawData`, `serviceName` and the queue options. The harness dispatches these
 * jobs for Shuttle to run; with SHUTTLE_HARNESS_PROCESSING_RECORD set, PHP's worker runs them too and RPUSHes
 * what it restored (one JSON entry per run) to that list, so tests see Shuttle's payloads arrive whole in PHP.
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
        $record = getenv('SHUTTLE_HARNESS_PROCESSING_RECORD');
        if (! $record) {
            throw new RuntimeException(static::class.' is run by Shuttle; the harness only dispatches it');
        }
        $first = $this->rawData[0] ?? $this->rawData;
        $entry = [
            'class' => static::class,
            'uuid' => $this->job ? $this->job->uuid() : null,
            'integration' => $this->integration->getKey(),
            'exists' => $this->integration->exists,
            'relations' => array_keys($this->integration->getRelations()),
            'group' => $this->integration->group ? $this->integration->group->getKey() : null,
            'accountId' => property_exists($this, 'accountId') ? $this->accountId : null,
            'serviceName' => $this->serviceName,
            'count' => count($this->rawData),
            'ids' => array_values(array_filter(array_map(fn ($t) => is_array($t) ? ($t['id'] ?? null) : null, $this->rawData))),
            'merchantExpanded' => is_array($first) && is_array($first['merchant'] ?? null),
        ];
        \Illuminate\Container\Container::getInstance()->make('redis')->connection('default')
            ->rpush($record, json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
    }
}
