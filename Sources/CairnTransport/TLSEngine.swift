import COpenSSL
import NIOCore

/// One TLS 1.3 connection as a state machine over OpenSSL memory BIOs: ciphertext in and out,
/// plaintext in and out, and no sockets.
///
/// The caller moves bytes: `feed` what arrived from the peer, `collectCiphertext` what must be
/// sent, `write` plaintext, `readPlaintext` what the peer sent. `TLSHandler` is that caller for a
/// NIO channel; tests pump two engines against each other in memory. An engine belongs to one
/// thread (one event loop) at a time.
public final class TLSEngine {
    /// Where the connection is. `failed` and `closed` are final.
    public enum State: Sendable, Equatable {
        /// The handshake is running.
        case handshaking
        /// The handshake completed and the peer's key is known; records flow both ways.
        case established(TLSPeer)
        /// close_notify was sent or received; nothing more is read or written.
        case closed
        /// The connection failed; ciphertext still waiting (an alert) may be collected and sent.
        case failed(TransportError)
    }

    /// What `readPlaintext` stopped on.
    public enum ReadResult: Sendable, Equatable {
        /// Every complete record was decrypted; more ciphertext is needed for more plaintext.
        case needMoreCiphertext
        /// The peer sent close_notify: it will send nothing more.
        case peerClosed
    }

    /// The default for `maxBufferedBytes`: 1 MiB each way, far above what a socket read or one
    /// TLS record needs, and small enough that many connections cannot exhaust memory.
    public static let defaultMaxBufferedBytes = 1 << 20

    /// Where the connection is.
    public internal(set) var state: State = .handshaking
    /// The role, from the context.
    public let role: TLSRole
    /// The most ciphertext held in each direction before `feed` or `write` refuses more.
    public let maxBufferedBytes: Int

    let context: TLSContext
    let ssl: OpaquePointer
    /// The memory BIO OpenSSL reads ciphertext from (owned by `ssl`).
    let inbound: OpaquePointer
    /// The memory BIO OpenSSL writes ciphertext to (owned by `ssl`).
    let outbound: OpaquePointer
    let notes: HandshakeNotes
    /// True once the handshake completed, even if the connection closed or failed later.
    var handshakeCompleted = false

    /// A new connection in `context`'s role. The client must call `startHandshake()`.
    public init(context: TLSContext, maxBufferedBytes: Int = TLSEngine.defaultMaxBufferedBytes) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.sslContext) else {
            throw .setupFailed(step: "SSL_new", openSSL: OpenSSLErrorQueue.drain().text())
        }
        guard let inbound = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .setupFailed(step: "BIO_new", openSSL: OpenSSLErrorQueue.drain().text())
        }
        guard let outbound = BIO_new(BIO_s_mem()) else {
            BIO_free(inbound)
            SSL_free(ssl)
            throw .setupFailed(step: "BIO_new", openSSL: OpenSSLErrorQueue.drain().text())
        }
        // An empty BIO means "wait for more", not end of stream.
        _ = cairn_BIO_set_mem_eof_return(inbound, -1)
        _ = cairn_BIO_set_mem_eof_return(outbound, -1)
        SSL_set_bio(ssl, inbound, outbound)
        self.notes = HandshakeNotes(requiredProtocol: context.applicationProtocol)
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(notes).toOpaque())
        if context.role == .client { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
        self.context = context
        self.role = context.role
        self.maxBufferedBytes = maxBufferedBytes
        self.ssl = ssl
        self.inbound = inbound
        self.outbound = outbound
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs too
    }

    /// Ciphertext waiting to be sent to the peer.
    public var pendingCiphertextBytes: Int { cairn_BIO_pending(outbound) }

    /// Ciphertext received but not yet decrypted (at most a partial record after `readPlaintext`).
    public var bufferedCiphertextBytes: Int { cairn_BIO_pending(inbound) }

    /// Starts the handshake. A client queues its ClientHello (collect and send it); a server has
    /// nothing to say until the ClientHello arrives, and this does nothing.
    public func startHandshake() throws(TransportError) {
        guard case .handshaking = state, role == .client else { return }
        _ = try continueHandshake()
    }

    /// Takes ciphertext received from the peer and, while handshaking, continues the handshake.
    /// Returns the peer on the call that completed the handshake, else nil. After it, call
    /// `readPlaintext` for application data and `collectCiphertext` for anything to send.
    /// Bytes received after close are discarded.
    @discardableResult
    public func feed(_ ciphertext: ByteBuffer) throws(TransportError) -> TLSPeer? {
        switch state {
        case .failed(let error): throw error
        case .closed: return nil
        case .handshaking, .established: break
        }
        let count = ciphertext.readableBytes
        guard count > 0 else { return nil }
        guard bufferedCiphertextBytes + count <= maxBufferedBytes else {
            throw fail(.bufferLimitExceeded(what: "TLS inbound buffer", limit: maxBufferedBytes))
        }
        OpenSSLErrorQueue.clear()
        let written = ciphertext.withUnsafeReadableBytes { BIO_write(inbound, $0.baseAddress, Int32(count)) }
        guard written == Int32(count) else {
            throw fail(.setupFailed(step: "BIO_write", openSSL: OpenSSLErrorQueue.drain().text()))
        }
        guard case .handshaking = state else { return nil }
        return try continueHandshake()
    }

    /// Records the failure, empties the error queue, and returns the error for throwing.
    func fail(_ error: TransportError) -> TransportError {
        OpenSSLErrorQueue.clear()
        state = .failed(error)
        return error
    }
}

@available(*, unavailable)
extension TLSEngine: Sendable {}
