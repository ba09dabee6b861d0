<?php

namespace Shuttle\Harness;

use Illuminate\Contracts\Events\Dispatcher;
use Illuminate\Contracts\Queue\Job;
use Illuminate\Queue\Events\JobExceptionOccurred;
use Illuminate\Queue\Events\JobFailed;
use Illuminate\Queue\Events\JobProcessed;
use Illuminate\Queue\Events\JobProcessing;
use Illuminate\Queue\Events\WorkerStopping;

/**
 * Machine-readable worker log: one JSON object per line on stderr, e.g.
 * {"event":"processed","pid":123,"time":1700000000.123,"job":"App\\Jobs\\NoopJob","uuid":"…","id":"…","attempts":1,"queue":"default","connection":"redis"}
 */
final class EventLog
{
    public static function write(string $event, array $fields = []): void
    {
        $line = ['event' => $event, 'pid' => getmypid(), 'time' => microtime(true)] + $fields;
        fwrite(STDERR, json_encode($line, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE)."\n");
    }

    public static function job(Job $job): array
    {
        return [
            'job' => $job->resolveName(),
            'uuid' => $job->uuid(),
            'id' => $job->getJobId(),
            'attempts' => $job->attempts(),
            'queue' => $job->getQueue(),
            'connection' => $job->getConnectionName(),
        ];
    }

    /** Listens to the worker's events (registered before WorkCommand adds its own listeners). */
    public static function listen(Dispatcher $events): void
    {
        $events->listen(JobProcessing::class, fn ($e) => self::write('processing', self::job($e->job)));
        $events->listen(JobProcessed::class, fn ($e) => self::write('processed', self::job($e->job) + [
            'released' => $e->job->isReleased(), 'deleted' => $e->job->isDeleted(),
        ]));
        $events->listen(JobExceptionOccurred::class, fn ($e) => self::write('exception-occurred', self::job($e->job) + [
            'exception' => get_class($e->exception), 'message' => $e->exception->getMessage(),
            'failed' => $e->job->hasFailed(),
        ]));
        $events->listen(JobFailed::class, fn ($e) => self::write('failed', self::job($e->job) + [
            'exception' => get_class($e->exception), 'message' => $e->exception->getMessage(),
        ]));
        $events->listen(WorkerStopping::class, fn ($e) => self::write('stopping', ['status' => $e->status]));
    }
}
