// COpenSSL: the parts of libcrypto that Swift cannot call directly.
// OpenSSL's STACK_OF accessors, BIO_get_mem_data and the key generation helpers are macros;
// each is wrapped here as a static inline function and nothing more. Everything else is
// called from Swift as declared in OpenSSL's own headers.
#ifndef LIENTHONG_COPENSSL_SHIM_H
#define LIENTHONG_COPENSSL_SHIM_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

_Static_assert(OPENSSL_VERSION_MAJOR >= 3, "LienThong needs OpenSSL 3");

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long COpenSSL_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

// STACK_OF(X509) accessors are macros.
static inline STACK_OF(X509) *COpenSSL_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int COpenSSL_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
static inline int COpenSSL_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *COpenSSL_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void COpenSSL_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
static inline void COpenSSL_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
static inline int COpenSSL_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *stack) { return stack ? sk_X509_REVOKED_num(stack) : 0; }

// STACK_OF(CMS_SignerInfo) accessors are macros.
static inline int COpenSSL_sk_CMS_SignerInfo_num(const STACK_OF(CMS_SignerInfo) *stack) {
    return sk_CMS_SignerInfo_num(stack);
}
static inline CMS_SignerInfo *COpenSSL_sk_CMS_SignerInfo_value(const STACK_OF(CMS_SignerInfo) *stack, int index) {
    return sk_CMS_SignerInfo_value(stack, index);
}

// Key generation helpers are macros over the variadic EVP_PKEY_Q_keygen.
static inline EVP_PKEY *COpenSSL_EVP_RSA_gen(unsigned int bits) { return EVP_RSA_gen(bits); }
static inline EVP_PKEY *COpenSSL_EVP_EC_gen(const char *curve) { return EVP_EC_gen(curve); }

// X509V3_set_ctx_nodb is a macro.
static inline void COpenSSL_X509V3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }

// OPENSSL_free is a macro carrying the caller's file and line.
static inline void COpenSSL_free(void *pointer) { OPENSSL_free(pointer); }
// OPENSSL_memdup is a macro too: a copy OpenSSL may free (CMS_add0_recipient_password keeps the passphrase).
static inline unsigned char *COpenSSL_memdup(const unsigned char *bytes, size_t count) {
    return (unsigned char *)OPENSSL_memdup(bytes, count);
}

#endif
