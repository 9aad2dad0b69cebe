import CairnCrypto
import COpenSSL

/// The TLS configuration of one device in one role: an OpenSSL `SSL_CTX` holding the device's
/// Ed25519 TLS key, a self-signed certificate for it, and Cairn's fixed policy.
///
/// The policy is not configurable on purpose: TLS 1.3 only, ALPN `cairn/1` (offered by the
/// client, required by the server), a certificate required from both sides but accepted whatever
/// it says (there is no CA; the application pins the peer's key after the handshake), Ed25519 the
/// only signature algorithm, and no session tickets or resumption (every connection proves both
/// keys afresh). Build one per role at start-up and share it between connections.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured completely in init and never changed afterwards;
    // OpenSSL allows creating SSL objects from one SSL_CTX on several threads at once.

    /// The ALPN protocol of Cairn's sync protocol, version 1.
    public static let applicationProtocol = "cairn/1"

    /// The role every engine made from this context plays.
    public let role: TLSRole
    /// This device's raw 32-byte Ed25519 TLS public key, as peers will report it.
    public let publicKey: [UInt8]
    /// The ALPN protocol offered (client) or required (server).
    let applicationProtocol: String
    /// The `SSL_CTX`.
    let sslContext: OpaquePointer
    /// The client's ALPN list in wire form (length-prefixed names). Kept alive with the context.
    private let alpnWire: [UInt8]

    /// Builds the context for `role` around `identity`, the device's TLS key.
    public convenience init(role: TLSRole, identity: Ed25519.PrivateKey) throws(TransportError) {
        try self.init(role: role, identity: identity, applicationProtocol: Self.applicationProtocol)
    }

    /// As the public initializer, with another ALPN protocol: tests use it to play a peer that
    /// speaks something else.
    init(role: TLSRole, identity: Ed25519.PrivateKey, applicationProtocol: String) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        let method = role == .client ? TLS_client_method() : TLS_server_method()
        guard let ctx = SSL_CTX_new(method) else {
            throw .setupFailed(step: "SSL_CTX_new", openSSL: OpenSSLErrorQueue.drain().text())
        }
        self.role = role
        self.publicKey = identity.publicKey.bytes
        self.applicationProtocol = applicationProtocol
        self.alpnWire = [UInt8(applicationProtocol.utf8.count)] + Array(applicationProtocol.utf8)
        self.sslContext = ctx
        // From here on deinit frees the SSL_CTX if a step throws.
        try configure(certificate: SelfSignedCertificate(identity: identity))
    }

    /// Wraps an `SSL_CTX` configured elsewhere, taking ownership: tests use it to play peers
    /// that break Cairn's policy (TLS 1.2 only, no certificate).
    init(role: TLSRole, adopting sslContext: OpaquePointer, applicationProtocol: String = TLSContext.applicationProtocol) {
        self.role = role
        self.publicKey = []
        self.applicationProtocol = applicationProtocol
        self.alpnWire = []
        self.sslContext = sslContext
    }

    deinit {
        SSL_CTX_free(sslContext)
    }

    private func configure(certificate: SelfSignedCertificate) throws(TransportError) {
        let ctx = sslContext
        try check("SSL_CTX_set_min_proto_version", cairn_SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1)
        try check("SSL_CTX_set_max_proto_version", cairn_SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1)
        try check("SSL_CTX_set1_sigalgs_list", cairn_SSL_CTX_set1_sigalgs_list(ctx, "ed25519") == 1)
        try check("SSL_CTX_set1_client_sigalgs_list", cairn_SSL_CTX_set1_client_sigalgs_list(ctx, "ed25519") == 1)
        try check("SSL_CTX_use_certificate", SSL_CTX_use_certificate(ctx, certificate.certificate) == 1)
        try check("SSL_CTX_use_PrivateKey", SSL_CTX_use_PrivateKey(ctx, certificate.key) == 1)
        try check("SSL_CTX_check_private_key", SSL_CTX_check_private_key(ctx) == 1)

        // No resumption: no tickets at all (TLS 1.3 would otherwise send stateful ones even with
        // SSL_OP_NO_TICKET), and no session cache.
        _ = SSL_CTX_set_options(ctx, cairn_SSL_OP_NO_TICKET())
        try check("SSL_CTX_set_num_tickets", SSL_CTX_set_num_tickets(ctx, 0) == 1)
        _ = cairn_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))

        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, TLSCallbacks.verify)
        switch role {
        case .client:
            let rc = alpnWire.withUnsafeBufferPointer { SSL_CTX_set_alpn_protos(ctx, $0.baseAddress, UInt32($0.count)) }
            try check("SSL_CTX_set_alpn_protos", rc == 0)  // this one returns 0 on success
        case .server:
            SSL_CTX_set_client_hello_cb(ctx, TLSCallbacks.clientHello, nil)
            SSL_CTX_set_alpn_select_cb(ctx, TLSCallbacks.selectALPN, nil)
        }
        OpenSSLErrorQueue.clear()
    }

    private func check(_ step: String, _ succeeded: Bool) throws(TransportError) {
        guard succeeded else {
            throw .setupFailed(step: step, openSSL: OpenSSLErrorQueue.drain().text())
        }
    }
}
