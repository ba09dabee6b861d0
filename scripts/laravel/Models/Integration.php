<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/** The fixtures' model: a uuid-keyed row that SerializesModels turns into a ModelIdentifier. */
class Integration extends Model
{
    protected $table = 'integrations';
    protected $keyType = 'string';
    public $incrementing = false;
    protected $guarded = [];
}
