#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call: these typed wrappers,
   one per argument type libcurl takes, are what the HTTP module calls instead. */

static inline CURLcode shuttle_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shuttle_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* Strings are copied by libcurl (except CURLOPT_POSTFIELDS, which goes through the pointer form). */
static inline CURLcode shuttle_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/* Data pointers: callback user data, header lists, the error buffer, a request body. */
static inline CURLcode shuttle_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
static inline CURLcode shuttle_curl_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_XFERINFOFUNCTION. */
static inline CURLcode shuttle_curl_setopt_xferinfo_function(CURL *handle, CURLoption option, curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shuttle_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
