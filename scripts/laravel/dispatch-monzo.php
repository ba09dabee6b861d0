<?php
/**
 * php dispatch-monzo.php CLASS INTEGRATION_ID [ACCOUNT_ID] < RAWDATA.json
 * php dispatch-monzo.php MonzoTransactionPull INTEGRATION_ID
 *
 * Dispatches Spark's App\Jobs\Data\Monzo\CLASS (MonzoAccountData, MonzoTransactionData, MonzoPotData,
 * MonzoBalanceData) as the app's fetch jobs do: the Integration read from the database (so it travels as a
 * real ModelIdentifier), rawData decoded from stdin with json_decode($json, true). A CLASS ending in `Pull` is
 * the fetch job App\Jobs\OAuth\Monzo\CLASS, constructed with the Integration alone, as CheckIntegrationUpdates
 * dispatches it (relations user and group loaded). stdout: the job's id.
 */
$app = require __DIR__.'/bootstrap.php';

if ($argc < 3) {
    fwrite(STDERR, "usage: php dispatch-monzo.php CLASS INTEGRATION_ID [ACCOUNT_ID] < RAWDATA.json\n");
    exit(2);
}
$integration = App\Models\Integration::query()->findOrFail($argv[2]);
if (substr($argv[1], -4) === 'Pull') {
    $class = 'App\\Jobs\\OAuth\\Monzo\\'.$argv[1];
    $integration->load(['user', 'group']);
    echo $app->make(Illuminate\Contracts\Bus\Dispatcher::class)->dispatch(new $class($integration)), "\n";
    exit(0);
}
$class = 'App\\Jobs\\Data\\Monzo\\'.$argv[1];
$rawData = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$job = isset($argv[3]) ? new $class($integration, $rawData, $argv[3]) : new $class($integration, $rawData);
echo $app->make(Illuminate\Contracts\Bus\Dispatcher::class)->dispatch($job), "\n";
