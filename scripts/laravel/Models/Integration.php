<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/**
 * The fixtures' model: a uuid-keyed row that SerializesModels turns into a ModelIdentifier. Its `user` and `group`
 * relations are Spark's, so a ModelIdentifier listing them (as CheckIntegrationUpdates' pushes do) restores.
 */
class Integration extends Model
{
    protected $table = 'integrations';
    protected $keyType = 'string';
    public $incrementing = false;
    protected $guarded = [];

    public function user()
    {
        return $this->belongsTo(User::class);
    }

    public function group()
    {
        return $this->belongsTo(IntegrationGroup::class, 'integration_group_id');
    }
}
