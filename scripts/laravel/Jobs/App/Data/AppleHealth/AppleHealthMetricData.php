<?php

namespace App\Jobs\Data\AppleHealth;

use App\Jobs\Base\BaseProcessingJob;
use Illuminate\Container\Container;

/**
 * Spark's AppleHealthMetricData: `(Integration $integration, array $rawData)`. When PHP's worker runs one
 * (a job Shuttle's hook dispatched), handle() records what it was restored with, RPUSHed as JSON to the list
 * `apple-health-runs` on the default Redis connection, so tests can check the class shape.
 */
class AppleHealthMetricData extends BaseProcessingJob
{
    protected function getServiceName(): string
    {
        return 'apple_health';
    }

    public function handle(): void
    {
        $data = $this->rawData['data'] ?? null;
        $entry = [
            'class' => static::class,
            'integration' => $this->integration->id,
            'instance_type' => $this->integration->instance_type,
            'serviceName' => $this->serviceName,
            'queue' => $this->queue,
            'tries' => $this->tries,
            'name' => $this->rawData['name'] ?? null,
            'id' => $this->rawData['id'] ?? null,
            'points' => is_array($data) ? count($data) : null,
        ];
        Container::getInstance()->make('redis')->connection('default')
            ->rpush('apple-health-runs', json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
    }
}
