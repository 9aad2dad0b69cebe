#ifndef CAIRN_COPENSSL_SHIM_H
#define CAIRN_COPENSSL_SHIM_H
// The system's OpenSSL 3 (libssl, libcrypto), for CairnTransport's TLS 1.3.
// Several OpenSSL "functions" are macros that Swift cannot call; the inline wrappers below
// expose the ones Cairn uses.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/bio.h>

static inline long cairn_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long cairn_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long cairn_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long cairn_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline long cairn_BIO_pending(BIO *bio) {
    return (long)BIO_ctrl_pending(bio);
}
static inline long cairn_SSL_CTX_set1_sigalgs_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_sigalgs_list(ctx, list);
}
static inline long cairn_SSL_CTX_set1_client_sigalgs_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_client_sigalgs_list(ctx, list);
}
static inline long cairn_BIO_set_mem_eof_return(BIO *bio, long value) {
    return BIO_set_mem_eof_return(bio, value);
}
static inline int cairn_ERR_GET_REASON(unsigned long code) {
    return ERR_GET_REASON(code);
}
static inline uint64_t cairn_SSL_OP_NO_TICKET(void) {
    return SSL_OP_NO_TICKET;
}
#endif
