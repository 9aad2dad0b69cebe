/// Everything that can go wrong in Cairn's transport: TLS setup, the handshake, the record layer,
/// framing and timeouts.
///
/// Cases that come from OpenSSL carry the text of its error queue (`openSSL`), so a log line shows
/// both Cairn's reading of the failure and OpenSSL's own words.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// OpenSSL refused a step of building the TLS context or a connection (out of memory, or a
    /// library built without Ed25519 or TLS 1.3).
    case setupFailed(step: String, openSSL: String)
    /// The peer does not speak TLS 1.3. `offered` names the highest version it offered when the
    /// server could read it from the ClientHello (for example "TLS 1.2").
    case protocolVersionRefused(offered: String?, openSSL: String)
    /// The client did not offer ALPN `cairn/1`; `offered` lists what it did offer.
    case applicationProtocolNotOffered(offered: [String])
    /// The handshake ended without ALPN `cairn/1` (the server chose something else, nothing, or
    /// refused the protocol with an alert).
    case applicationProtocolNotNegotiated(selected: String?, openSSL: String)
    /// The peer presented no certificate, or refused ours as missing; a certificate is mandatory
    /// both ways.
    case peerCertificateMissing(openSSL: String)
    /// The peer's certificate holds a key that is not Ed25519 (`keyType` is OpenSSL's name for it).
    case peerKeyRefused(keyType: String)
    /// The handshake failed for another reason; `openSSL` says which.
    case handshakeFailed(openSSL: String)
    /// The handshake did not complete within the allowed time.
    case handshakeTimedOut(milliseconds: Int64)
    /// Decrypting or encrypting records failed after the handshake (corrupt or forged data, an
    /// alert from the peer, a truncated stream).
    case recordLayerFailed(openSSL: String)
    /// More bytes were waiting than the transport buffers; `what` says which buffer.
    case bufferLimitExceeded(what: String, limit: Int)
    /// A frame's length prefix (inbound) or a payload (outbound) is over the frame limit.
    case frameTooLarge(length: Int, limit: Int)
    /// Nothing was read for the idle timeout.
    case idleTimeout(milliseconds: Int64)
    /// Data was written before the handshake completed on an engine that cannot buffer it.
    case notEstablished
    /// The connection is closed (by us, by the peer's close_notify, or after a failure).
    case connectionClosed
    /// `TransportOptions` hold a value the transport cannot use; `reason` says which.
    case invalidOptions(reason: String)

    public var description: String {
        switch self {
        case .setupFailed(let step, let openSSL):
            return "TLS setup failed at \(step): \(openSSL). Check that the system OpenSSL is 3.x with Ed25519 support."
        case .protocolVersionRefused(let offered, let openSSL):
            let who = offered.map { "the peer offered \($0); " } ?? "the peer does not speak TLS 1.3; "
            return "TLS handshake refused: \(who)only TLS 1.3 is accepted. Upgrade the peer. (OpenSSL: \(openSSL))"
        case .applicationProtocolNotOffered(let offered):
            let list = offered.isEmpty ? "no ALPN at all" : offered.joined(separator: ", ")
            return "TLS handshake refused: the peer offered \(list) instead of ALPN cairn/1; it is not a Cairn peer "
                + "or speaks another protocol version."
        case .applicationProtocolNotNegotiated(let selected, let openSSL):
            let what = selected.map { "the server selected ALPN \"\($0)\"" } ?? "no ALPN was negotiated"
            return "TLS handshake refused: \(what) instead of cairn/1; the peer is not a Cairn peer. (OpenSSL: \(openSSL))"
        case .peerCertificateMissing(let openSSL):
            return "TLS handshake refused: a certificate is required on both sides and one was missing. "
                + "(OpenSSL: \(openSSL))"
        case .peerKeyRefused(let keyType):
            return "TLS handshake refused: the peer's certificate holds a \(keyType) key; Cairn devices use Ed25519 TLS keys."
        case .handshakeFailed(let openSSL):
            return "TLS handshake failed: \(openSSL)"
        case .handshakeTimedOut(let ms):
            return "TLS handshake did not complete within \(ms) ms; the connection was closed."
        case .recordLayerFailed(let openSSL):
            return "TLS connection failed: \(openSSL). The connection was closed; the next sync round reconnects."
        case .bufferLimitExceeded(let what, let limit):
            return "more than \(limit) bytes would be waiting in the \(what); the transport refuses to buffer more."
        case .frameTooLarge(let length, let limit):
            return "frame of \(length) bytes is over the limit of \(limit) bytes; send smaller batches."
        case .idleTimeout(let ms):
            return "nothing was received for \(ms) ms; the idle connection was closed."
        case .notEstablished:
            return "data was written before the TLS handshake completed; wait for TLSHandshakeCompleted."
        case .connectionClosed:
            return "the TLS connection is closed."
        case .invalidOptions(let reason):
            return "invalid transport options: \(reason)."
        }
    }
}
