import CairnCrypto
import COpenSSL
import NIOCore
import Testing

@testable import CairnTransport

/// Peers that break Cairn's policy are refused during the handshake, with an error that says why.
@Suite struct TLSEngineRefusalTests {
    private let serverIdentity = Ed25519.PrivateKey()

    private func server() throws -> TLSContext {
        try TLSContext(role: .server, identity: serverIdentity)
    }

    @Test func tls12OnlyClientIsRefused() throws {
        let client = try TLSContext(role: .client, identity: Ed25519.PrivateKey())
        #expect(cairn_SSL_CTX_set_min_proto_version(client.sslContext, TLS1_2_VERSION) == 1)
        #expect(cairn_SSL_CTX_set_max_proto_version(client.sslContext, TLS1_2_VERSION) == 1)
        let pair = try EnginePair(client: client, server: server())
        pair.handshake()
        let refusal = try #require(pair.server.failure)
        #expect(refusal == .protocolVersionRefused(offered: "TLS 1.2", openSSL: openSSLText(of: refusal)))
        #expect(refusal.description.contains("the peer offered TLS 1.2; only TLS 1.3 is accepted"))
        guard case .protocolVersionRefused(offered: nil, let text) = pair.client.failure else {
            Issue.record("client state: \(pair.client.state)")
            return
        }
        #expect(text.contains("protocol version"))
    }

    @Test func clientIsRefusedByATLS12OnlyServer() throws {
        let server = try server()
        #expect(cairn_SSL_CTX_set_min_proto_version(server.sslContext, TLS1_2_VERSION) == 1)
        #expect(cairn_SSL_CTX_set_max_proto_version(server.sslContext, TLS1_2_VERSION) == 1)
        let pair = try EnginePair(client: TLSContext(role: .client, identity: Ed25519.PrivateKey()), server: server)
        pair.handshake()
        guard case .protocolVersionRefused(offered: nil, _) = pair.client.failure else {
            Issue.record("client state: \(pair.client.state)")
            return
        }
        #expect(pair.server.peer == nil)
    }

    @Test func clientWithoutCertificateIsRefused() throws {
        let raw = try #require(SSL_CTX_new(TLS_client_method()))
        _ = cairn_SSL_CTX_set_min_proto_version(raw, TLS1_3_VERSION)
        let alpn: [UInt8] = [7] + Array("cairn/1".utf8)
        #expect(SSL_CTX_set_alpn_protos(raw, alpn, UInt32(alpn.count)) == 0)
        let pair = try EnginePair(client: TLSContext(role: .client, adopting: raw), server: server())
        pair.handshake()
        guard case .peerCertificateMissing = pair.server.failure else {
            Issue.record("server state: \(pair.server.state)")
            return
        }
        // TLS 1.3: the client finishes first and learns of the refusal from the server's alert.
        guard case .peerCertificateMissing(let text) = pair.client.failure else {
            Issue.record("client state: \(pair.client.state)")
            return
        }
        #expect(text.contains("certificate required"))
    }

    @Test func clientOfferingAnotherALPNIsRefused() throws {
        let client = try TLSContext(role: .client, identity: Ed25519.PrivateKey(), applicationProtocol: "h2")
        let pair = try EnginePair(client: client, server: server())
        pair.handshake()
        #expect(pair.server.failure == .applicationProtocolNotOffered(offered: ["h2"]))
        guard case .applicationProtocolNotNegotiated(selected: nil, let text) = pair.client.failure else {
            Issue.record("client state: \(pair.client.state)")
            return
        }
        #expect(text.contains("no application protocol"))
    }

    @Test func clientOfferingNoALPNIsRefused() throws {
        let client = try TLSContext(role: .client, identity: Ed25519.PrivateKey())
        #expect(SSL_CTX_set_alpn_protos(client.sslContext, nil, 0) == 0)
        let pair = try EnginePair(client: client, server: server())
        pair.handshake()
        #expect(pair.server.failure == .applicationProtocolNotOffered(offered: []))
    }

    @Test func serverSelectingAnotherALPNIsRefusedByTheClient() throws {
        // A server that accepts anything and selects nothing: the client's own check catches it.
        let server = try server()
        SSL_CTX_set_client_hello_cb(server.sslContext, nil, nil)
        SSL_CTX_set_alpn_select_cb(server.sslContext, nil, nil)
        let pair = try EnginePair(client: TLSContext(role: .client, identity: Ed25519.PrivateKey()), server: server)
        pair.handshake()
        guard case .applicationProtocolNotNegotiated(selected: nil, _) = pair.client.failure else {
            Issue.record("client state: \(pair.client.state)")
            return
        }
    }

    @Test func ed448ClientKeyIsRefused() throws {
        let server = try server()
        // Let the server ask for Ed448 too, so the client really sends its Ed448 certificate.
        #expect(cairn_SSL_CTX_set1_client_sigalgs_list(server.sslContext, "ed25519:ed448") == 1)
        let raw = try #require(SSL_CTX_new(TLS_client_method()))
        _ = cairn_SSL_CTX_set_min_proto_version(raw, TLS1_3_VERSION)
        let alpn: [UInt8] = [7] + Array("cairn/1".utf8)
        #expect(SSL_CTX_set_alpn_protos(raw, alpn, UInt32(alpn.count)) == 0)
        let certificate = try SelfSignedCertificate(adopting: ed448Key())
        #expect(SSL_CTX_use_certificate(raw, certificate.certificate) == 1)
        #expect(SSL_CTX_use_PrivateKey(raw, certificate.key) == 1)
        let pair = try EnginePair(client: TLSContext(role: .client, adopting: raw), server: server)
        pair.handshake()
        #expect(pair.server.failure == .peerKeyRefused(keyType: "ED448"))
        #expect(pair.client.peer == nil)
    }

    @Test func garbageToTheServerFailsCleanly() throws {
        let engine = try TLSEngine(context: server())
        let request = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: example\r\n\r\n")
        #expect(throws: TransportError.self) { try engine.feed(request) }
        guard case .handshakeFailed(let text) = engine.failure else {
            Issue.record("state: \(engine.state)")
            return
        }
        #expect(!text.isEmpty && text != "no detail from OpenSSL")
        #expect(ERR_peek_error() == 0, "the error queue is left empty")
        // Failed is final: more bytes rethrow the same error.
        #expect(throws: engine.failure!) { try engine.feed(ByteBuffer(bytes: patternBytes(64))) }
    }

    @Test func randomBytesToTheServerFailCleanly() throws {
        let engine = try TLSEngine(context: server())
        var bytes = ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00, 0x40])
        bytes.writeBytes(patternBytes(64, seed: 99))
        #expect(throws: TransportError.self) { try engine.feed(bytes) }
        #expect(engine.failure != nil)
        #expect(ERR_peek_error() == 0)
    }

    private func openSSLText(of error: TransportError) -> String {
        if case .protocolVersionRefused(_, let text) = error { return text }
        return ""
    }

    private func ed448Key() throws -> OpaquePointer {
        let context = try #require(EVP_PKEY_CTX_new_from_name(nil, "ED448", nil))
        defer { EVP_PKEY_CTX_free(context) }
        #expect(EVP_PKEY_keygen_init(context) == 1)
        var key: OpaquePointer?
        #expect(EVP_PKEY_keygen(context, &key) == 1)
        return try #require(key)
    }
}
