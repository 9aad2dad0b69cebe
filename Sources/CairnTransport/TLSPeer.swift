/// Which end of a connection a TLS context or engine plays.
public enum TLSRole: Sendable, Equatable {
    /// Connects, offers ALPN `cairn/1`.
    case client
    /// Accepts, requires ALPN `cairn/1`.
    case server
}

/// What the handshake proved about the other side.
///
/// The transport accepts any certificate whose key is Ed25519; the key is what the application
/// pins against the federation's device certificates, so it is the one thing reported here.
public struct TLSPeer: Sendable, Equatable, Hashable {
    /// The peer's raw 32-byte Ed25519 public key, taken from its certificate. The peer proved it
    /// holds the matching private key by signing the handshake transcript.
    public let publicKey: [UInt8]
    /// The negotiated ALPN protocol; always "cairn/1" once the handshake completed.
    public let alpn: String
    /// OpenSSL's name for the negotiated version; always "TLSv1.3".
    public let protocolVersion: String

    /// A peer description, for tests and for code that reports a peer learned elsewhere.
    public init(publicKey: [UInt8], alpn: String, protocolVersion: String) {
        self.publicKey = publicKey
        self.alpn = alpn
        self.protocolVersion = protocolVersion
    }
}

/// The user inbound event `TLSHandler` fires once the handshake completed and the peer's key is
/// known. Handlers after it must wait for this event before trusting any frame: the daemon pins
/// `peer.publicKey` here and closes the channel when it is not a certified device.
public struct TLSHandshakeCompleted: Sendable, Equatable {
    /// Who is on the other side.
    public let peer: TLSPeer

    /// Wraps the peer the handshake established.
    public init(peer: TLSPeer) {
        self.peer = peer
    }
}
