<?php
/*
 * Builds a real Laravel 8 application (Debian's php-laravel-framework) from environment variables, with the
 * configuration of a fresh Laravel 8 skeleton (config/app, cache, database, queue, logging) and nothing else.
 * No Composer, no app directory: providers are registered by hand. Shared by every script in this folder.
 *
 *   $app = require __DIR__.'/bootstrap.php';
 */

declare(strict_types=1);

require_once 'Illuminate/autoload.php';

use Illuminate\Config\Repository;
use Illuminate\Contracts\Debug\ExceptionHandler;
use Illuminate\Foundation\Application;
use Illuminate\Support\Facades\Facade;
use Illuminate\Support\Str;

// As Laravel's HandleExceptions bootstrapper: PHP warnings/notices become ErrorException (Laravel 8 on PHP 8.2
// raises deprecations, which the skeleton only logs: they are silenced here).
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
set_error_handler(function (int $level, string $message, string $file = '', int $line = 0): bool {
    if (error_reporting() & $level) {
        throw new ErrorException($message, 0, $level, $file, $line);
    }
    return false;
});

// Test classes: Shuttle\Jobs\* in Jobs/, App\Jobs\* in Jobs/App/, App\Models\* in Models/, Shuttle\Harness\* in Support/.
spl_autoload_register(function (string $class): void {
    $roots = [
        'Shuttle\\Jobs\\' => __DIR__.'/Jobs/',
        'Shuttle\\Harness\\' => __DIR__.'/Support/',
        'App\\Jobs\\' => __DIR__.'/Jobs/App/',
        'App\\Models\\' => __DIR__.'/Models/',
    ];
    foreach ($roots as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

/** Laravel 8's env(): unset → default; "null"/"true"/"false"/"empty" (and "(…)") converted; quotes stripped. */
function shuttle_env(string $name, $default = null)
{
    $value = getenv($name);
    if ($value === false) {
        return $default;
    }
    switch (strtolower($value)) {
        case 'null': case '(null)': return null;
        case 'true': case '(true)': return true;
        case 'false': case '(false)': return false;
        case 'empty': case '(empty)': return '';
    }
    if (preg_match('/\A([\'"])(.*)\1\z/', $value, $matches)) {
        return $matches[2];
    }
    return $value;
}

date_default_timezone_set('UTC');

$appName = shuttle_env('APP_NAME', 'Laravel');
$storage = shuttle_env('SHUTTLE_STORAGE_PATH', sys_get_temp_dir().'/shuttle-laravel-storage');
@mkdir($storage.'/framework/cache/data', 0777, true);

$redisConnection = fn (string $db) => [
    'url' => shuttle_env('REDIS_URL'),
    'host' => shuttle_env('REDIS_HOST', '127.0.0.1'),
    'password' => shuttle_env('REDIS_PASSWORD'),
    'port' => shuttle_env('REDIS_PORT', '6379'),
    'database' => $db,
];

$dbConnection = shuttle_env('DB_CONNECTION', 'sqlite');

$config = [
    'app' => [
        'name' => $appName,
        'env' => shuttle_env('APP_ENV', 'testing'),
        'debug' => true,
        'timezone' => 'UTC',
        'key' => shuttle_env('APP_KEY', 'base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM='),
        'cipher' => 'AES-256-CBC',
    ],
    'cache' => [
        'default' => shuttle_env('CACHE_DRIVER', 'redis'),
        'stores' => [
            'array' => ['driver' => 'array', 'serialize' => false],
            'database' => ['driver' => 'database', 'table' => 'cache', 'connection' => null, 'lock_connection' => null],
            'file' => ['driver' => 'file', 'path' => $storage.'/framework/cache/data'],
            'redis' => ['driver' => 'redis', 'connection' => 'cache', 'lock_connection' => 'default'],
        ],
        'prefix' => shuttle_env('CACHE_PREFIX', Str::slug($appName, '_').'_cache'),
    ],
    'database' => [
        'default' => $dbConnection,
        'connections' => [
            'sqlite' => [
                'driver' => 'sqlite',
                'url' => shuttle_env('DATABASE_URL'),
                'database' => shuttle_env('DB_DATABASE', sys_get_temp_dir().'/shuttle-laravel.sqlite'),
                'prefix' => '',
                'foreign_key_constraints' => shuttle_env('DB_FOREIGN_KEYS', true),
            ],
            'pgsql' => [
                'driver' => 'pgsql',
                'url' => shuttle_env('DATABASE_URL'),
                'host' => shuttle_env('DB_HOST', '127.0.0.1'),
                'port' => shuttle_env('DB_PORT', '5432'),
                'database' => shuttle_env('DB_DATABASE', 'forge'),
                'username' => shuttle_env('DB_USERNAME', 'forge'),
                'password' => shuttle_env('DB_PASSWORD', ''),
                'charset' => 'utf8',
                'prefix' => '',
                'prefix_indexes' => true,
                'schema' => 'public',
                'sslmode' => 'prefer',
            ],
        ],
        'migrations' => 'migrations',
        'redis' => [
            'client' => shuttle_env('REDIS_CLIENT', 'phpredis'),
            'options' => [
                'cluster' => shuttle_env('REDIS_CLUSTER', 'redis'),
                'prefix' => shuttle_env('REDIS_PREFIX', Str::slug($appName, '_').'_database_'),
            ],
            'default' => $redisConnection((string) shuttle_env('REDIS_DB', '0')),
            'cache' => $redisConnection((string) shuttle_env('REDIS_CACHE_DB', '1')),
        ],
    ],
    'queue' => [
        'default' => shuttle_env('QUEUE_CONNECTION', 'redis'),
        'connections' => [
            'sync' => ['driver' => 'sync'],
            'database' => ['driver' => 'database', 'table' => 'jobs', 'queue' => 'default', 'retry_after' => 90, 'after_commit' => false],
            'redis' => [
                'driver' => 'redis',
                'connection' => 'default',
                'queue' => shuttle_env('REDIS_QUEUE', 'default'),
                'retry_after' => (int) shuttle_env('REDIS_QUEUE_RETRY_AFTER', 90),
                'block_for' => ($b = shuttle_env('QUEUE_BLOCK_FOR')) === null ? null : (int) $b,
                'after_commit' => false,
            ],
        ],
        'batching' => ['database' => $dbConnection, 'table' => 'job_batches'],
        'failed' => [
            'driver' => shuttle_env('QUEUE_FAILED_DRIVER', 'database-uuids'),
            'database' => $dbConnection,
            'table' => 'failed_jobs',
        ],
    ],
    // Laravel's own log lines (rare here) go to stderr; stdout stays for the scripts' results.
    'logging' => [
        'default' => 'stderr',
        'channels' => ['stderr' => ['driver' => 'single', 'path' => 'php://stderr', 'level' => 'debug']],
    ],
];

$app = new Application(__DIR__);
$app->useStoragePath($storage);
$app->instance('env', $config['app']['env']); // DetectEnvironment's job; queue:clear asks for --force in production
$app->instance('config', new Repository($config));
$app->singleton(ExceptionHandler::class, Shuttle\Harness\ConsoleExceptionHandler::class);

foreach ([
    Illuminate\Filesystem\FilesystemServiceProvider::class,
    Illuminate\Encryption\EncryptionServiceProvider::class,
    Illuminate\Redis\RedisServiceProvider::class,
    Illuminate\Database\DatabaseServiceProvider::class,
    Illuminate\Cache\CacheServiceProvider::class,
    Illuminate\Bus\BusServiceProvider::class,
    Illuminate\Queue\QueueServiceProvider::class,
] as $provider) {
    $app->register($provider);
}

// What ArtisanServiceProvider would do for WorkCommand's constructor.
$app->alias('queue.worker', Illuminate\Queue\Worker::class);

Facade::setFacadeApplication($app);
$app->boot();

return $app;
