<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/** Spark's `users` row, as far as a restored Integration's `user` relation needs it. */
class User extends Model
{
    protected $table = 'users';
    protected $keyType = 'string';
    public $incrementing = false;
    protected $guarded = [];
}
