<?php

namespace App\Jobs\Webhook\AppleHealth;

use App\Jobs\Base\BaseWebhookHookJob;

/** Spark's AppleHealthWebhookHook: `(array $webhookPayload, array $headers, Integration $integration)`. */
class AppleHealthWebhookHook extends BaseWebhookHookJob
{
    protected function getServiceName(): string
    {
        return 'apple_health';
    }
}
