#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
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

/* A large command (a 96 MB reserved job's ZREM) written straight from the caller's argv to the socket of a
 * blocking context whose output buffer is empty, with no formatted copy at all: as hiredis would send it, one
 * RESP array of bulk strings. MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE. On failure the context is
 * marked REDIS_ERR_IO (errno kept), as hiredis' own write does; any other case takes the buffered path. */
static inline int shuttle_write_command_argv(redisContext *c, int argc, const char **argv, const size_t *argvlen) {
    enum { maxArgs = 16 };
    if (c->obuf == NULL || sdslen(c->obuf) != 0 || !(c->flags & REDIS_BLOCK) || argc <= 0 || argc > maxArgs)
        return shuttle_append_command_argv(c, argc, argv, argvlen);
    char heads[maxArgs + 1][32];
    struct iovec iov[1 + maxArgs * 3];
    int n = 0;
    iov[n].iov_base = heads[maxArgs];
    iov[n++].iov_len = (size_t)snprintf(heads[maxArgs], 32, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        iov[n].iov_base = heads[i];
        iov[n++].iov_len = (size_t)snprintf(heads[i], 32, "$%zu\r\n", argvlen[i]);
        iov[n].iov_base = (void *)argv[i];
        iov[n++].iov_len = argvlen[i];
        iov[n].iov_base = (void *)"\r\n";
        iov[n++].iov_len = 2;
    }
    struct iovec *v = iov;
    while (n > 0) {
        struct msghdr message;
        memset(&message, 0, sizeof message);
        message.msg_iov = v;
        message.msg_iovlen = (size_t)n;
        ssize_t written = sendmsg(c->fd, &message, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            c->err = REDIS_ERR_IO;
            snprintf(c->errstr, sizeof c->errstr, "%s", strerror(saved));
            errno = saved;
            return REDIS_ERR;
        }
        size_t w = (size_t)written;
        while (n > 0 && w >= v->iov_len) { w -= v->iov_len; v++; n--; }
        if (n > 0) { v->iov_base = (char *)v->iov_base + w; v->iov_len -= w; }
    }
    return REDIS_OK;
}
