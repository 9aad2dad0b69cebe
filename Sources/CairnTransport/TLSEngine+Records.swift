import COpenSSL
import NIOCore

extension TLSEngine {
    /// The largest plaintext of one TLS record.
    static let maxRecordPlaintext = 16_384

    /// Decrypts every complete record received so far and appends the plaintext to `plaintext`,
    /// growing it as needed (it is sized from the buffered ciphertext, so it rarely grows twice).
    /// Does nothing until the handshake completed.
    public func readPlaintext(into plaintext: inout ByteBuffer) throws(TransportError) -> ReadResult {
        switch state {
        case .failed(let error): throw error
        case .closed: return .peerClosed
        case .handshaking: return .needMoreCiphertext
        case .established: break
        }
        plaintext.reserveCapacity(minimumWritableBytes: min(bufferedCiphertextBytes, maxBufferedBytes) + 1024)
        OpenSSLErrorQueue.clear()
        while true {
            if plaintext.writableBytes < 1024 {
                plaintext.reserveCapacity(minimumWritableBytes: Self.maxRecordPlaintext)
            }
            var rc: Int32 = 0
            plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { buffer in
                rc = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
                return max(Int(rc), 0)
            }
            if rc > 0 { continue }
            switch SSL_get_error(ssl, rc) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                OpenSSLErrorQueue.clear()
                return .needMoreCiphertext
            case SSL_ERROR_ZERO_RETURN:
                OpenSSLErrorQueue.clear()
                state = .closed
                return .peerClosed
            default:
                throw fail(classify(OpenSSLErrorQueue.drain(), otherwise: TransportError.recordLayerFailed))
            }
        }
    }

    /// Encrypts `plaintext` into records waiting in the outbound buffer. Refused before the
    /// handshake completed, after close, and when the ciphertext would pass `maxBufferedBytes`
    /// (collect and send what is waiting first; `TLSHandler` writes in slices for this reason).
    public func write(_ plaintext: ByteBuffer) throws(TransportError) {
        switch state {
        case .failed(let error): throw error
        case .closed: throw .connectionClosed
        case .handshaking: throw .notEstablished
        case .established: break
        }
        let count = plaintext.readableBytes
        guard count > 0 else { return }
        guard pendingCiphertextBytes + count <= maxBufferedBytes else {
            throw .bufferLimitExceeded(what: "TLS outbound buffer", limit: maxBufferedBytes)
        }
        OpenSSLErrorQueue.clear()
        let rc = plaintext.withUnsafeReadableBytes { SSL_write(ssl, $0.baseAddress, Int32(count)) }
        // A memory BIO never blocks, so SSL_write takes everything or fails.
        guard rc == Int32(count) else {
            throw fail(classify(OpenSSLErrorQueue.drain(), otherwise: TransportError.recordLayerFailed))
        }
    }

    /// Moves every byte of waiting ciphertext (handshake messages, records, alerts, close_notify)
    /// to the end of `buffer`. Works in every state, so that a failure's alert can still be sent.
    /// Returns the number of bytes moved.
    @discardableResult
    public func collectCiphertext(into buffer: inout ByteBuffer) -> Int {
        let pending = pendingCiphertextBytes
        guard pending > 0 else { return 0 }
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            Int(max(BIO_read(outbound, space.baseAddress, Int32(clamping: pending)), 0))
        }
    }

    /// Queues close_notify when the handshake completed and none was sent yet (collect and send
    /// it), and moves to `closed`. Does not wait for the peer's close_notify: TLS 1.3 does not
    /// require it, and waiting would let a silent peer hold the connection open.
    public func close() {
        if case .failed = state { return }
        if handshakeCompleted, SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN == 0 {
            OpenSSLErrorQueue.clear()
            _ = SSL_shutdown(ssl)
            OpenSSLErrorQueue.clear()
        }
        state = .closed
    }
}
