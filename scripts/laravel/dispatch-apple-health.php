<?php
/**
 * php dispatch-apple-health.php INTEGRATION_ID SECRET [--queue Q] < UPLOAD.json
 *
 * Dispatches Spark's App\Jobs\Webhook\AppleHealth\AppleHealthWebhookHook as the app's WebhookController does for
 * `POST /webhook/apple_health/{SECRET}` (spec §6.3): the request input (the JSON body with every string trimmed
 * and empty strings made null, as Laravel's TrimStrings and ConvertEmptyStringsToNull middleware do), the header
 * bag (lower-case names → lists of strings, `x-webhook-secret` set from the URL as the app does from 2025-09-15),
 * and the Integration read from the database without relations. SECRET `-` sends no secret header.
 * stdout: the job id.
 */
$app = require __DIR__.'/bootstrap.php';

if ($argc < 3) {
    fwrite(STDERR, "usage: php dispatch-apple-health.php INTEGRATION_ID SECRET [--queue Q] < UPLOAD.json\n");
    exit(2);
}
$queue = null;
for ($i = 3; $i < $argc; $i++) {
    if ($argv[$i] === '--queue' && isset($argv[$i + 1])) {
        $queue = $argv[++$i];
    }
}
$integration = App\Models\Integration::query()->findOrFail($argv[1]);
$input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$input = is_array($input) ? $input : [];
array_walk_recursive($input, function (&$value) {
    if (is_string($value)) {
        $value = trim($value);
        $value = $value === '' ? null : $value;
    }
});
$headers = [
    'host' => ['spark.example.invalid'],
    'user-agent' => ['Health Auto Export/7.4'],
    'content-type' => ['application/json'],
];
if ($argv[2] !== '-') {
    $headers['x-webhook-secret'] = [$argv[2]];
}
$job = new App\Jobs\Webhook\AppleHealth\AppleHealthWebhookHook($input, $headers, $integration);
if ($queue !== null) {
    $job->onQueue($queue);
}
echo $app->make(Illuminate\Contracts\Bus\Dispatcher::class)->dispatch($job), "\n";
