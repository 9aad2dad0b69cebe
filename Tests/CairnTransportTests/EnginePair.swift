import CairnCrypto
import NIOCore

@testable import CairnTransport

/// Two engines joined in memory: `pump()` moves ciphertext between them, in 64 KiB slices as a
/// socket would deliver it, until neither has anything to send, and keeps what each decrypted.
final class EnginePair {
    let client: TLSEngine
    let server: TLSEngine
    var clientReceived = ByteBuffer()
    var serverReceived = ByteBuffer()

    init(client: TLSContext, server: TLSContext) throws {
        self.client = try TLSEngine(context: client)
        self.server = try TLSEngine(context: server)
    }

    /// Fresh identities on both sides; returns the pair and the two public keys.
    static func fresh() throws -> (pair: EnginePair, clientKey: [UInt8], serverKey: [UInt8]) {
        let clientIdentity = Ed25519.PrivateKey()
        let serverIdentity = Ed25519.PrivateKey()
        let pair = try EnginePair(
            client: TLSContext(role: .client, identity: clientIdentity),
            server: TLSContext(role: .server, identity: serverIdentity))
        return (pair, clientIdentity.publicKey.bytes, serverIdentity.publicKey.bytes)
    }

    /// Starts the client's handshake and pumps until quiet.
    func handshake() {
        try? client.startHandshake()
        pump()
    }

    /// Moves bytes both ways until neither side has anything to send. Failures stay in the
    /// engines' states, so that a failing side's alert still reaches the other.
    func pump() {
        var rounds = 0
        while rounds < 1_000 {
            rounds += 1
            let a = transfer(from: client, to: server, plaintext: &serverReceived)
            let b = transfer(from: server, to: client, plaintext: &clientReceived)
            if !a && !b { return }
        }
    }

    private func transfer(from source: TLSEngine, to sink: TLSEngine, plaintext: inout ByteBuffer) -> Bool {
        var wire = ByteBuffer()
        guard source.collectCiphertext(into: &wire) > 0 else { return false }
        while let slice = wire.readSlice(length: min(65_536, wire.readableBytes)), slice.readableBytes > 0 {
            do {
                try sink.feed(slice)
                _ = try sink.readPlaintext(into: &plaintext)
            } catch {
                break
            }
        }
        return true
    }
}

extension TLSEngine {
    /// The peer, when established.
    var peer: TLSPeer? {
        if case .established(let peer) = state { return peer }
        return nil
    }

    /// The error, when failed.
    var failure: TransportError? {
        if case .failed(let error) = state { return error }
        return nil
    }
}

/// `count` bytes of a recognisable pattern.
func patternBytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}
