#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

// libcurl is loaded with dlopen on the first HTTP request, not linked: libcurl drags in ~28 libraries of its own
// (nghttp2, libssh2, LDAP, GSSAPI/Kerberos, GnuTLS, librtmp, libpsl, brotli, ...), whose mapping cost a worker
// ~5 MB of peak RSS on 20,000 jobs that never touch HTTP. A worker that never calls HTTP maps none of them.
// The declarations above still give the types and constants (libcurl4-openssl-dev at build time only).

/* The non-variadic libcurl functions Shuttle calls, by name. */
#define SHUTTLE_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_perform) \
    X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)

/// The libcurl functions Shuttle calls, as pointers resolved at run time. curl_easy_setopt and curl_easy_getinfo
/// are C variadics, which Swift cannot call or even see: only the typed wrappers below use those two fields.
/// (Every field is a function pointer, so the table is safe to share between threads.)
typedef struct __attribute__((swift_attr("@Sendable"))) ShuttleCurl {
#define SHUTTLE_CURL_FIELD(name) __typeof__(name) *_Nonnull name;
    SHUTTLE_CURL_FUNCTIONS(SHUTTLE_CURL_FIELD)
    SHUTTLE_CURL_FIELD(curl_easy_setopt)
    SHUTTLE_CURL_FIELD(curl_easy_getinfo)
#undef SHUTTLE_CURL_FIELD
} ShuttleCurl;

/// Loads libcurl (`soname`; NULL: the platform's libcurl 4) and resolves every function: on failure `*error` is
/// dlerror()'s message (fields unusable), else NULL. curl_global_init is the caller's to run, once.
static inline ShuttleCurl shuttle_curl_load(const char *_Nullable soname, const char *_Nullable *_Nonnull error) {
    ShuttleCurl api;
#ifdef __APPLE__
    const char *name = soname != NULL ? soname : "libcurl.4.dylib";
#else
    const char *name = soname != NULL ? soname : "libcurl.so.4";
#endif
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    *error = NULL;
    if (handle == NULL) {
        *error = dlerror();
        return api;
    }
#define SHUTTLE_CURL_RESOLVE(name) \
    api.name = (__typeof__(name) *)dlsym(handle, #name); \
    if (api.name == NULL) { *error = dlerror(); return api; }
    SHUTTLE_CURL_FUNCTIONS(SHUTTLE_CURL_RESOLVE)
    SHUTTLE_CURL_RESOLVE(curl_easy_setopt)
    SHUTTLE_CURL_RESOLVE(curl_easy_getinfo)
#undef SHUTTLE_CURL_RESOLVE
    return api;
}

/* curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call: these typed wrappers, one per
   argument type libcurl takes, call them through the loaded table. The parentheses around the field keep
   curl's type-checking macros (typecheck-gcc.h) from expanding. */

static inline CURLcode shuttle_curl_setopt_long(ShuttleCurl api, CURL *handle, CURLoption option, long value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

static inline CURLcode shuttle_curl_setopt_off(ShuttleCurl api, CURL *handle, CURLoption option, curl_off_t value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

/* Strings are copied by libcurl (except CURLOPT_POSTFIELDS, which goes through the pointer form). */
static inline CURLcode shuttle_curl_setopt_string(ShuttleCurl api, CURL *handle, CURLoption option, const char *value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

/* Data pointers: callback user data, header lists, the error buffer, a request body. */
static inline CURLcode shuttle_curl_setopt_pointer(ShuttleCurl api, CURL *handle, CURLoption option, void *value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
static inline CURLcode shuttle_curl_setopt_write_function(ShuttleCurl api, CURL *handle, CURLoption option,
                                                          curl_write_callback value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

/* CURLOPT_XFERINFOFUNCTION. */
static inline CURLcode shuttle_curl_setopt_xferinfo_function(ShuttleCurl api, CURL *handle, CURLoption option,
                                                             curl_xferinfo_callback value) {
    return (api.curl_easy_setopt)(handle, option, value);
}

static inline CURLcode shuttle_curl_getinfo_long(ShuttleCurl api, CURL *handle, CURLINFO info, long *value) {
    return (api.curl_easy_getinfo)(handle, info, value);
}
