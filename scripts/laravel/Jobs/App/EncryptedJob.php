<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldBeEncrypted;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;

/** fixtures/laravel8 `encrypted`: data.command is encrypted with APP_KEY. */
class EncryptedJob implements ShouldQueue, ShouldBeEncrypted
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 1;
    protected $accessToken = 'tok_peer_0123456789';

    public function handle(): void
    {
        if ($this->accessToken !== 'tok_peer_0123456789') {
            throw new RuntimeException('encrypted command not restored');
        }
    }
}
