import CairnCrypto
import NIOCore
import NIOPosix
import Testing

@testable import CairnTransport

/// The whole stack over real sockets on 127.0.0.1.
@Suite struct TransportPipelineTests {
    private let clientIdentity = Ed25519.PrivateKey()
    private let serverIdentity = Ed25519.PrivateKey()

    @Test func handshakeReportsKeysAndAFrameIsEchoed() async throws {
        let serverProbe = Probe(on: Loopback.group.any())
        let clientProbe = Probe(on: Loopback.group.any())
        defer { serverProbe.finish(); clientProbe.finish() }
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: serverIdentity), probe: serverProbe, echo: true)
        // The greeting is written when the channel becomes active, before the handshake: the TLS
        // handler holds it and sends it after TLSHandshakeCompleted.
        let client = try await Loopback.client(
            to: server, context: TLSContext(role: .client, identity: clientIdentity), probe: clientProbe,
            greeting: ByteBuffer(string: "hello, server"))

        let seenByClient = try await clientProbe.handshake.futureResult.get()
        let seenByServer = try await serverProbe.handshake.futureResult.get()
        #expect(seenByClient == TLSPeer(publicKey: serverIdentity.publicKey.bytes, alpn: "cairn/1", protocolVersion: "TLSv1.3"))
        #expect(seenByServer == TLSPeer(publicKey: clientIdentity.publicKey.bytes, alpn: "cairn/1", protocolVersion: "TLSv1.3"))
        #expect(try await serverProbe.frames.futureResult.get().map { String(buffer: $0) } == ["hello, server"])
        #expect(try await clientProbe.frames.futureResult.get().map { String(buffer: $0) } == ["hello, server"])

        try await client.close()
        try await server.close()
    }

    @Test func largeFramesCrossInBothDirections() async throws {
        let serverProbe = Probe(on: Loopback.group.any(), expectedFrames: 3)
        let clientProbe = Probe(on: Loopback.group.any(), expectedFrames: 3)
        defer { serverProbe.finish(); clientProbe.finish() }
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: serverIdentity), probe: serverProbe, echo: true)
        let client = try await Loopback.client(
            to: server, context: TLSContext(role: .client, identity: clientIdentity), probe: clientProbe)
        _ = try await clientProbe.handshake.futureResult.get()

        let payloads = [patternBytes(4 << 20, seed: 1), patternBytes(1, seed: 2), patternBytes(1 << 20, seed: 3)]
        for payload in payloads { client.write(ByteBuffer(bytes: payload), promise: nil) }
        client.flush()
        let echoed = try await clientProbe.frames.futureResult.get()
        #expect(echoed.map { Array($0.readableBytesView) } == payloads)

        try await client.close()
        try await server.close()
    }

    @Test func silentClientIsClosedByTheHandshakeTimeout() async throws {
        let serverProbe = Probe(on: Loopback.group.any())
        defer { serverProbe.finish() }
        let options = TransportOptions(handshakeTimeout: .milliseconds(200))
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: serverIdentity), options: options, probe: serverProbe)
        let started = ContinuousClock.now
        let client = try await Loopback.silentClient(to: server)

        let error = try await serverProbe.error.futureResult.get()
        #expect(error as? TransportError == .handshakeTimedOut(milliseconds: 200))
        try await client.closeFuture.get()  // the server closed the connection
        // Loose: the suite shares 2 cores with daemons of the integration tests, and resuming
        // this task took 55 s once on a fresh CI clone; the error above already shows it was the
        // handshake timeout that closed the connection. This only catches "never closed".
        #expect(ContinuousClock.now - started < .seconds(150))
        try await server.close()
    }

    @Test func idleEstablishedConnectionIsClosed() async throws {
        let serverProbe = Probe(on: Loopback.group.any())
        let clientProbe = Probe(on: Loopback.group.any())
        defer { serverProbe.finish(); clientProbe.finish() }
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: serverIdentity),
            options: TransportOptions(idleTimeout: .milliseconds(300)), probe: serverProbe)
        let client = try await Loopback.client(
            to: server, context: TLSContext(role: .client, identity: clientIdentity), probe: clientProbe)
        _ = try await clientProbe.handshake.futureResult.get()

        let error = try await serverProbe.error.futureResult.get()
        #expect(error as? TransportError == .idleTimeout(milliseconds: 300))
        try await client.closeFuture.get()  // after the server's close_notify
        try await server.close()
    }

    @Test func clientOfAnotherProtocolIsRefusedOverTheNetwork() async throws {
        let serverProbe = Probe(on: Loopback.group.any())
        let clientProbe = Probe(on: Loopback.group.any())
        defer { serverProbe.finish(); clientProbe.finish() }
        let server = try await Loopback.server(
            context: TLSContext(role: .server, identity: serverIdentity), probe: serverProbe)
        let client = try await Loopback.client(
            to: server, context: TLSContext(role: .client, identity: clientIdentity, applicationProtocol: "cairn/2"),
            probe: clientProbe)

        #expect(try await serverProbe.error.futureResult.get() as? TransportError
            == .applicationProtocolNotOffered(offered: ["cairn/2"]))
        let clientError = try await clientProbe.error.futureResult.get()
        guard case .applicationProtocolNotNegotiated(selected: nil, _) = clientError as? TransportError else {
            Issue.record("client error: \(clientError)")
            return
        }
        try await client.closeFuture.get()
        clientProbe.finish()  // the connection is gone: a handshake not reported by now never will be
        await #expect(throws: Probe.TimedOut.self) { try await clientProbe.handshake.futureResult.get() }
        try await server.close()
    }
}

@Suite struct TransportOptionsTests {
    @Test func defaultsAreCairns() {
        let options = TransportOptions()
        #expect(options.handshakeTimeout == .seconds(10))
        #expect(options.idleTimeout == .seconds(60))
        #expect(options.maxFrameBytes == 4 << 20)
    }

    @Test func unusableFrameLimitIsRefused() async throws {
        let channel = try await Loopback.silentServer()
        let context = try TLSContext(role: .server, identity: Ed25519.PrivateKey())
        let configured = TransportPipeline.configure(channel, context: context, options: TransportOptions(maxFrameBytes: 0))
        await #expect(throws: TransportError.invalidOptions(reason: "maxFrameBytes must be between 1 and 4294967295")) {
            try await configured.get()
        }
        try await channel.close()
    }
}
