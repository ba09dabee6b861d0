<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/** Spark's `integration_groups` row, as far as a restored Integration's `group` relation needs it. */
class IntegrationGroup extends Model
{
    protected $table = 'integration_groups';
    protected $keyType = 'string';
    public $incrementing = false;
    protected $guarded = [];
}
