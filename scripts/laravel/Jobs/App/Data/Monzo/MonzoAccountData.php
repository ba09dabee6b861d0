<?php

namespace App\Jobs\Data\Monzo;

use App\Jobs\Base\BaseProcessingJob;

/** Spark's MonzoAccountData: `(Integration $integration, array $rawData)`, rawData = one account. */
class MonzoAccountData extends BaseProcessingJob
{
    protected function getServiceName(): string
    {
        return 'monzo';
    }
}
