<?php

namespace App\Jobs;

use Illuminate\Bus\Batchable;
use Shuttle\Jobs\Probe;

/** A Probe that can join a Bus::batch (Batchable adds the batchId property). */
class BatchedProbe extends Probe
{
    use Batchable;
}
