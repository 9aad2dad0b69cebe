import CairnCrypto
import NIOCore
import Testing

@testable import CairnTransport

@Suite struct TLSEngineTests {
    @Test func handshakeReportsEachSidesExactKey() throws {
        let (pair, clientKey, serverKey) = try EnginePair.fresh()
        pair.handshake()
        let seenByClient = try #require(pair.client.peer)
        let seenByServer = try #require(pair.server.peer)
        #expect(seenByClient.publicKey == serverKey)
        #expect(seenByServer.publicKey == clientKey)
        #expect(seenByClient.alpn == "cairn/1" && seenByServer.alpn == "cairn/1")
        #expect(seenByClient.protocolVersion == "TLSv1.3" && seenByServer.protocolVersion == "TLSv1.3")
        #expect(pair.client.pendingCiphertextBytes == 0 && pair.server.pendingCiphertextBytes == 0)
    }

    @Test func contextReportsItsOwnKey() throws {
        let identity = Ed25519.PrivateKey()
        let context = try TLSContext(role: .server, identity: identity)
        #expect(context.publicKey == identity.publicKey.bytes)
        #expect(context.role == .server)
    }

    @Test func dataFlowsBothWaysIncludingOneMebibyte() throws {
        let (pair, _, _) = try EnginePair.fresh()
        pair.handshake()
        let large = patternBytes(1 << 20)
        try pair.client.write(ByteBuffer(string: "hello from the client"))
        try pair.server.write(ByteBuffer(bytes: large))
        pair.pump()
        try pair.server.write(ByteBuffer(string: "and a tail"))
        pair.pump()
        #expect(pair.serverReceived == ByteBuffer(string: "hello from the client"))
        #expect(pair.clientReceived.readableBytes == large.count + 10)
        #expect(pair.clientReceived.readBytes(length: large.count) == large)
        #expect(pair.clientReceived.readString(length: 10) == "and a tail")

        // And the other way, the large payload from the client.
        try pair.client.write(ByteBuffer(bytes: large))
        pair.pump()
        #expect(pair.serverReceived.readableBytes == 21 + large.count)
        #expect(Array(pair.serverReceived.readableBytesView.suffix(large.count)) == large)
    }

    @Test func closeNotifyEndsTheConnectionOnBothSides() throws {
        let (pair, _, _) = try EnginePair.fresh()
        pair.handshake()
        try pair.client.write(ByteBuffer(string: "last words"))
        pair.client.close()
        #expect(pair.client.state == .closed)
        pair.pump()
        #expect(pair.serverReceived == ByteBuffer(string: "last words"))
        #expect(pair.server.state == .closed)
        var more = ByteBuffer()
        #expect(try pair.server.readPlaintext(into: &more) == .peerClosed)
        #expect(throws: TransportError.connectionClosed) { try pair.client.write(ByteBuffer(string: "late")) }
    }

    @Test func writesBeforeTheHandshakeAreRefused() throws {
        let (pair, _, _) = try EnginePair.fresh()
        #expect(throws: TransportError.notEstablished) { try pair.client.write(ByteBuffer(string: "early")) }
    }

    @Test func inboundCiphertextIsBounded() throws {
        let context = try TLSContext(role: .server, identity: Ed25519.PrivateKey())
        let engine = try TLSEngine(context: context, maxBufferedBytes: 1_024)
        // A plausible record header announcing more than arrives, so OpenSSL waits for the rest.
        var partial = ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x3F, 0xFF])
        partial.writeBytes(patternBytes(600))
        try engine.feed(partial)
        #expect(engine.state == .handshaking)
        #expect(throws: TransportError.bufferLimitExceeded(what: "TLS inbound buffer", limit: 1_024)) {
            try engine.feed(ByteBuffer(bytes: patternBytes(2_000)))
        }
    }

    @Test func outboundCiphertextIsBoundedUntilCollected() throws {
        let (pair, _, _) = try EnginePair.fresh()
        pair.handshake()
        let limit = TLSEngine.defaultMaxBufferedBytes
        try pair.client.write(ByteBuffer(bytes: patternBytes(limit / 2)))
        #expect(throws: TransportError.bufferLimitExceeded(what: "TLS outbound buffer", limit: limit)) {
            try pair.client.write(ByteBuffer(bytes: patternBytes(limit / 2 + 1)))
        }
        // A refused write is not fatal: once the waiting ciphertext is sent, writing goes on.
        pair.pump()
        try pair.client.write(ByteBuffer(bytes: patternBytes(limit / 2 + 1)))
        pair.pump()
        #expect(pair.serverReceived.readableBytes == limit + 1)
    }
}
