import COpenSSL

extension TLSEngine {
    /// Runs `SSL_do_handshake` as far as the received bytes allow.
    func continueHandshake() throws(TransportError) -> TLSPeer? {
        OpenSSLErrorQueue.clear()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            handshakeCompleted = true
            let peer: TLSPeer
            do { peer = try verifiedPeer() } catch { throw fail(error) }
            OpenSSLErrorQueue.clear()
            state = .established(peer)
            return peer
        }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            OpenSSLErrorQueue.clear()
            return nil
        default:
            throw fail(classify(OpenSSLErrorQueue.drain(), otherwise: TransportError.handshakeFailed))
        }
    }

    /// The peer as the completed handshake shows it, after checking what the callbacks could not:
    /// the key's type and bytes, the version and the ALPN result (a client learns it only now).
    private func verifiedPeer() throws(TransportError) -> TLSPeer {
        guard let certificate = SSL_get0_peer_certificate(ssl), let key = X509_get0_pubkey(certificate) else {
            throw .peerCertificateMissing(openSSL: "the handshake completed without a peer certificate")
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            throw .peerKeyRefused(keyType: TLSCallbacks.typeName(of: key))
        }
        var publicKey = [UInt8](repeating: 0, count: 32)
        var length = publicKey.count
        guard EVP_PKEY_get_raw_public_key(key, &publicKey, &length) == 1, length == 32 else {
            throw .handshakeFailed(openSSL: OpenSSLErrorQueue.drain().text(orElse: "unreadable Ed25519 key"))
        }
        let version = String(cString: SSL_get_version(ssl))
        guard SSL_version(ssl) == TLS1_3_VERSION else {
            throw .protocolVersionRefused(offered: version, openSSL: "negotiated \(version)")
        }
        var alpnPointer: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnPointer, &alpnLength)
        let alpn = alpnPointer.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self) }
        guard let alpn, alpn == context.applicationProtocol else {
            throw .applicationProtocolNotNegotiated(selected: alpn, openSSL: "no error; checked after the handshake")
        }
        return TLSPeer(publicKey: publicKey, alpn: alpn, protocolVersion: version)
    }

    /// Turns a failure into the clearest error: first what the callbacks noted, then the reason
    /// codes Cairn knows, else `otherwise` with OpenSSL's text.
    func classify(_ queue: OpenSSLErrorQueue, otherwise: (String) -> TransportError) -> TransportError {
        let text = queue.text()
        if let version = notes.refusedVersion { return .protocolVersionRefused(offered: version, openSSL: text) }
        if let offered = notes.refusedALPN { return .applicationProtocolNotOffered(offered: offered) }
        if let keyType = notes.refusedKeyType { return .peerKeyRefused(keyType: keyType) }
        if queue.contains(reason: SSL_R_UNSUPPORTED_PROTOCOL) || queue.contains(reason: SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) {
            return .protocolVersionRefused(offered: nil, openSSL: text)
        }
        if queue.contains(reason: SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL)
            || queue.contains(reason: SSL_R_NO_APPLICATION_PROTOCOL)
        {
            return .applicationProtocolNotNegotiated(selected: nil, openSSL: text)
        }
        if queue.contains(reason: SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
            || queue.contains(reason: SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED)
        {
            return .peerCertificateMissing(openSSL: text)
        }
        return otherwise(text)
    }
}
