#include <stdlib.h>
#include <hiredis/hiredis.h>
#include <hiredis/sds.h>

/* Frees the reader's input buffer when a reply left nothing unread in it and it grew past `maxbuf`: hiredis
 * does the same, but only at the next read, so a large reply (a 96 MB job popped twice over) would keep its
 * buffer alive while Swift copies the reply out of it. */
static inline void shuttle_reader_release_buffer(redisContext *c) {
    redisReader *r = c->reader;
    if (r == NULL || r->buf == NULL || r->len != r->pos || sdsavail(r->buf) + sdslen(r->buf) <= r->maxbuf) return;
    sdsfree(r->buf);
    r->buf = sdsempty();
    r->pos = 0;
    r->len = 0;
}

/* Frees a string reply's bytes once copied (freeReplyObject frees NULL harmlessly later): the elements of a
 * large array reply are released one by one instead of all at the end. hiredis 0.14 allocates with malloc. */
static inline void shuttle_reply_release_string(redisReply *r) {
    free(r->str);
    r->str = NULL;
    r->len = 0;
}

/* redisAppendCommandArgv without its second full copy of the command: when nothing waits in the output buffer,
 * the formatted command becomes that buffer instead of being appended to it (what hiredis 0.14 does, in effect,
 * with one copy less). Used for large commands: the ZREM of a 96 MB reserved job. */
static inline int shuttle_append_command_argv(redisContext *c, int argc, const char **argv, const size_t *argvlen) {
    if (c->obuf == NULL || sdslen(c->obuf) != 0) return redisAppendCommandArgv(c, argc, argv, argvlen);
    sds cmd = NULL;
    if (redisFormatSdsCommandArgv(&cmd, argc, argv, argvlen) < 0 || cmd == NULL) return redisAppendCommandArgv(c, argc, argv, argvlen);
    sdsfree(c->obuf);
    c->obuf = cmd;
    return REDIS_OK;
}
