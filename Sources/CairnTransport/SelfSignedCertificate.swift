import CairnCrypto
import COpenSSL

/// A device's Ed25519 TLS key as OpenSSL objects, with a self-signed X.509 certificate for it.
///
/// Cairn has no CA: the certificate is only the envelope TLS requires for the key. Its names,
/// serial and dates mean nothing and nobody checks them; peers pin the key itself.
final class SelfSignedCertificate {
    /// The `EVP_PKEY` of the private key.
    let key: OpaquePointer
    /// The `X509` certificate.
    let certificate: OpaquePointer

    /// Builds the key from the identity's 32-byte seed and signs a certificate with it.
    convenience init(identity: Ed25519.PrivateKey) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        let key = identity.seed.withUnsafeBytes { seed in
            EVP_PKEY_new_raw_private_key(
                EVP_PKEY_ED25519, nil, seed.baseAddress!.assumingMemoryBound(to: UInt8.self), seed.count)
        }
        guard let key else { throw Self.failure("EVP_PKEY_new_raw_private_key") }
        try self.init(adopting: key)
    }

    /// Signs a certificate for `key` (an `EVP_PKEY` of a type that signs with no separate digest,
    /// such as Ed25519 or Ed448), taking ownership of the key.
    init(adopting key: OpaquePointer) throws(TransportError) {
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw Self.failure("X509_new")
        }
        self.key = key
        self.certificate = certificate
        try fill()
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    private func fill() throws(TransportError) {
        guard X509_set_version(certificate, 2) == 1 else { throw Self.failure("X509_set_version") }
        guard ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1) == 1 else {
            throw Self.failure("ASN1_INTEGER_set")
        }
        // A day of slack for clocks that are behind; the dates are not checked by Cairn peers.
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -86_400) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), 20 * 365 * 86_400) != nil
        else { throw Self.failure("X509_gmtime_adj") }
        guard let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "cairn device", -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1
        else { throw Self.failure("X509_NAME_add_entry_by_txt") }
        guard X509_set_pubkey(certificate, key) == 1 else { throw Self.failure("X509_set_pubkey") }
        // Ed25519 hashes internally: the digest must be NULL.
        guard X509_sign(certificate, key, nil) > 0 else { throw Self.failure("X509_sign") }
    }

    private static func failure(_ step: String) -> TransportError {
        .setupFailed(step: step, openSSL: OpenSSLErrorQueue.drain().text())
    }
}
