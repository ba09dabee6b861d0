#include <postgresql/libpq-fe.h>
#include <dlfcn.h>
#include <stddef.h>

// libpq is loaded with dlopen when the first PostgreSQL connection opens, not linked: libpq and its
// dependency tree (GSSAPI/Kerberos, LDAP, GnuTLS, ...) cost ~3.5 MB of resident memory in every process
// that maps them, and most workers only talk to Redis and SQLite. The declarations above still give the types.

#define SHUTTLE_PQ_FUNCTIONS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQreset) X(PQfinish) X(PQerrorMessage) X(PQsetNoticeProcessor) \
    X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) X(PQclear) X(PQcmdTuples) X(PQntuples) \
    X(PQnfields) X(PQfname) X(PQftype) X(PQgetisnull) X(PQgetlength) X(PQgetvalue)

/// The libpq functions Shuttle calls, as pointers resolved at run time.
typedef struct {
#define SHUTTLE_PQ_FIELD(name) __typeof__(name) *_Nonnull name;
    SHUTTLE_PQ_FUNCTIONS(SHUTTLE_PQ_FIELD)
#undef SHUTTLE_PQ_FIELD
} ShuttleLibPQ;

/// Loads libpq and resolves every function: on failure `*error` is dlerror()'s message (fields unusable),
/// else NULL.
static inline ShuttleLibPQ shuttle_libpq_load(const char *_Nullable *_Nonnull error) {
    ShuttleLibPQ api;
#ifdef __APPLE__
    void *handle = dlopen("libpq.5.dylib", RTLD_NOW | RTLD_LOCAL);
#else
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
#endif
    *error = NULL;
    if (handle == NULL) {
        *error = dlerror();
        return api;
    }
#define SHUTTLE_PQ_RESOLVE(name) \
    api.name = (__typeof__(name) *)dlsym(handle, #name); \
    if (api.name == NULL) { *error = dlerror(); return api; }
    SHUTTLE_PQ_FUNCTIONS(SHUTTLE_PQ_RESOLVE)
#undef SHUTTLE_PQ_RESOLVE
    return api;
}
