<?php

namespace App\Jobs;

use Illuminate\Container\Container;
use Illuminate\Contracts\Queue\Job;

/**
 * Handler of "string" jobs (`Queue::push('App\Jobs\StringHandler@handle', $data)`, payload job = that string,
 * data = the array). If data.record is set it RPUSHes one entry {"uuid","attempt","worker","outcome":"ok",…} like Probe.
 */
class StringHandler
{
    public function handle(Job $job, array $data): void
    {
        if (isset($data['record'])) {
            $now = microtime(true);
            Container::getInstance()->make('redis')->connection('default')->rpush($data['record'], json_encode([
                'uuid' => $job->uuid(), 'attempt' => $job->attempts(),
                'worker' => 'php:'.(getenv('SHUTTLE_WORKER_NAME') ?: getmypid()),
                'outcome' => 'ok', 'started' => $now, 'ended' => $now,
            ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
        }
        $job->delete();
    }
}
