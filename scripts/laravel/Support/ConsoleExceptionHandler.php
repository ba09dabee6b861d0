<?php

namespace Shuttle\Harness;

use Illuminate\Contracts\Debug\ExceptionHandler;
use Symfony\Component\Console\Application as ConsoleApplication;
use Throwable;

/**
 * The worker reports every job exception here (the skeleton's App\Exceptions\Handler would log it).
 * One JSON line on stderr per report, so tests can see what PHP saw without parsing log formats.
 */
class ConsoleExceptionHandler implements ExceptionHandler
{
    public function report(Throwable $e)
    {
        EventLog::write('exception', [
            'class' => get_class($e),
            'message' => $e->getMessage(),
            'file' => basename($e->getFile()),
            'line' => $e->getLine(),
        ]);
    }

    public function shouldReport(Throwable $e)
    {
        return true;
    }

    public function render($request, Throwable $e)
    {
        throw $e;
    }

    public function renderForConsole($output, Throwable $e)
    {
        (new ConsoleApplication)->renderThrowable($e, $output);
    }
}
