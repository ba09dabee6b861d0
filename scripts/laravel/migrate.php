<?php
/*
 * Creates the tables Laravel's queue needs, when missing, with the Schema builder and the shapes of Laravel 8's
 * own migrations/stubs: failed_jobs (2019_08_19 uuid migration), job_batches (queue:batches-table),
 * cache + cache_locks (cache:table), plus integrations (the App\Models\Integration test model).
 *   php migrate.php [--fresh]     (--fresh drops these tables first)
 * Prints the names of the tables it created, one per line.
 */

use Illuminate\Database\Schema\Blueprint;

$app = require __DIR__.'/bootstrap.php';

// Laravel's SQLite connector refuses a missing file: create it (and only it) here.
$db = $app['config']['database.connections.'.$app['config']['database.default']];
if ($db['driver'] === 'sqlite' && $db['database'] !== ':memory:' && ! file_exists($db['database'])) {
    touch($db['database']);
}

$schema = $app['db']->connection()->getSchemaBuilder();

$tables = [
    'failed_jobs' => function (Blueprint $table) {
        $table->id();
        $table->string('uuid')->unique();
        $table->text('connection');
        $table->text('queue');
        $table->longText('payload');
        $table->longText('exception');
        $table->timestamp('failed_at')->useCurrent();
    },
    'job_batches' => function (Blueprint $table) {
        $table->string('id')->primary();
        $table->string('name');
        $table->integer('total_jobs');
        $table->integer('pending_jobs');
        $table->integer('failed_jobs');
        $table->text('failed_job_ids');
        $table->mediumText('options')->nullable();
        $table->integer('cancelled_at')->nullable();
        $table->integer('created_at');
        $table->integer('finished_at')->nullable();
    },
    'cache' => function (Blueprint $table) {
        $table->string('key')->primary();
        $table->mediumText('value');
        $table->integer('expiration');
    },
    'cache_locks' => function (Blueprint $table) {
        $table->string('key')->primary();
        $table->string('owner');
        $table->integer('expiration');
    },
    'integrations' => function (Blueprint $table) {
        $table->uuid('id')->primary();
        $table->string('provider')->default('monzo');
        $table->timestamps();
    },
];

if (in_array('--fresh', $argv, true)) {
    foreach (array_keys($tables) as $name) {
        $schema->dropIfExists($name);
    }
}

foreach ($tables as $name => $definition) {
    if (! $schema->hasTable($name)) {
        $schema->create($name, $definition);
        echo $name, "\n";
    }
}
