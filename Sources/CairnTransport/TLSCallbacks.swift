import COpenSSL

/// What the handshake callbacks learned about the peer, for the engine to turn into a clear error.
///
/// One per engine, reachable from its `SSL` through ex_data slot 0 (OpenSSL's "app data").
final class HandshakeNotes {
    /// The ALPN protocol the server requires.
    let requiredProtocol: String
    /// Set when the ClientHello lacked TLS 1.3: the highest version it offered.
    var refusedVersion: String?
    /// Set when the ClientHello did not offer the required ALPN: what it offered.
    var refusedALPN: [String]?
    /// Set when the peer's certificate key is not Ed25519: OpenSSL's name for its type.
    var refusedKeyType: String?

    init(requiredProtocol: String) {
        self.requiredProtocol = requiredProtocol
    }

    /// The notes attached to `ssl`, if any (contexts built by tests outside TLSContext have none).
    static func of(_ ssl: OpaquePointer?) -> HandshakeNotes? {
        guard let ssl, let raw = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<HandshakeNotes>.fromOpaque(raw).takeUnretainedValue()
    }
}

/// OpenSSL callbacks that enforce Cairn's policy during the handshake. They capture nothing;
/// per-connection state lives in `HandshakeNotes`.
enum TLSCallbacks {
    /// Accepts any certificate chain (there is no CA; the application pins the key), but only an
    /// Ed25519 key in the peer's own certificate.
    static let verify: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store, X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        guard let cert = X509_STORE_CTX_get_current_cert(store), let key = X509_get0_pubkey(cert) else { return 0 }
        if EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 { return 1 }
        let raw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx())
        HandshakeNotes.of(raw.map(OpaquePointer.init))?.refusedKeyType = Self.typeName(of: key)
        return 0
    }

    /// Runs first on the server: refuses a ClientHello without TLS 1.3 or without the required
    /// ALPN, with the matching fatal alert, and notes why.
    static let clientHello: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?)
        -> Int32 = { ssl, alert, _ in
            guard let ssl, let notes = HandshakeNotes.of(ssl) else { return SSL_CLIENT_HELLO_SUCCESS }
            let hello = ClientHelloReader(ssl: ssl)
            let versions = hello.offeredVersions
            guard versions.contains(0x0304) else {
                notes.refusedVersion = ClientHelloReader.name(ofVersion: versions.max() ?? 0)
                alert?.pointee = SSL_AD_PROTOCOL_VERSION
                return SSL_CLIENT_HELLO_ERROR
            }
            let protocols = hello.offeredProtocols
            guard protocols.contains(notes.requiredProtocol) else {
                notes.refusedALPN = protocols
                alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
                return SSL_CLIENT_HELLO_ERROR
            }
            return SSL_CLIENT_HELLO_SUCCESS
        }

    /// Selects the required ALPN protocol or ends the handshake with a fatal alert.
    static let selectALPN: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
    ) -> Int32 = { ssl, out, outLength, offered, offeredLength, _ in
        guard let notes = HandshakeNotes.of(ssl), let offered, let out, let outLength else {
            return SSL_TLSEXT_ERR_ALERT_FATAL
        }
        let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
        var index = 0
        var names: [String] = []
        while index < list.count {
            let length = Int(list[index])
            guard index + 1 + length <= list.count else { break }
            let name = String(decoding: list[(index + 1)..<(index + 1 + length)], as: UTF8.self)
            if name == notes.requiredProtocol {
                out.pointee = offered + index + 1
                outLength.pointee = UInt8(length)
                return SSL_TLSEXT_ERR_OK
            }
            names.append(name)
            index += 1 + length
        }
        notes.refusedALPN = names
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }

    /// OpenSSL's short name of a key's type ("RSA", "EC", "ED448"…).
    static func typeName(of key: OpaquePointer) -> String {
        guard let name = EVP_PKEY_get0_type_name(key) else { return "unknown" }
        return String(cString: name)
    }
}
