import CairnProtocol
import CairnTestSupport
import CairnTransport
import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Synchronization
import Testing

@testable import CairnDaemon

/// The sync pipeline on an `EmbeddedChannel`, before a peer is admitted: everything here happens
/// on the event loop (admission reads only what the site holds in memory), so the tests drive
/// it step by step with a virtual clock. A real site (alpha/hq) stands behind it.
@Suite struct SyncHandlerChannelTests {
    struct Harness {
        let site: Site
        let context: SyncContext
        let channel: EmbeddedChannel
        let link: LinkBox
    }

    /// A connection accepted by alpha/hq whose TLS handshake proved `tlsKey` (nil: the
    /// handshake has not completed), with `deadline` for its Hello.
    static func withChannel(
        tlsKey: [UInt8]? = TestKeys.verifiedCertificate("bravo/hq").tlsKey.bytes, direction: PeerLink.Direction = .inbound,
        deadline: SyncHandler.HelloDeadline = .afterHandshake(.seconds(10)), _ body: (Harness) throws -> Void
    ) throws {
        try SiteFixture.withAlphaSite { site in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            defer { try? pool.syncShutdownGracefully() }
            let context = SyncChannel.context(site: site, auditSite: site, pool: pool)
            let link = LinkBox()
            let channel = EmbeddedChannel()
            try SyncChannel.configure(
                channel, context: context, direction: direction, deadline: deadline,
                onLink: { created in if let created { link.link.withLock { $0 = created } } })
            try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 4100)).wait()
            if let tlsKey { channel.pipeline.fireUserInboundEventTriggered(SyncChannel.handshake(tlsKey)) }
            try body(Harness(site: site, context: context, channel: channel, link: link))
        }
    }

    static func goodbyes(_ frames: [SyncFrame]) -> [String] {
        frames.compactMap { if case .goodbye(let text, _) = $0 { return text } else { return nil } }
    }

    @Test func aFrameBeforeHelloIsRefusedWithTheStrangersGoodbye() throws {
        try Self.withChannel { harness in
            try harness.channel.writeInbound(SyncChannel.wire(.agree(round: 1)))
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(Self.goodbyes(frames) == [SyncContext.strangerGoodbye])
            #expect(frames.count == 1, "the accepting side says nothing else before a Hello: \(frames)")
            #expect(!harness.channel.isActive)
            #expect(harness.link.link.withLock { $0?.closeReason } == "the first message must be Hello")
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connections_refused_total", "reason=\"protocol\"") == 1)
            // Audited, aggregated by source: a stranger can cause it at will.
            #expect(SyncChannel.counter(harness.site, "cairn_audit_aggregated_events_total", "reason=\"protocol\"") == 1)
        }
    }

    @Test func aMalformedFrameIsRefusedAndTheConnectionClosed() throws {
        try Self.withChannel { harness in
            var garbage = ByteBuffer()
            garbage.writeInteger(UInt32(3), endianness: .big)
            garbage.writeBytes([0xff, 0xff, 0xff])
            try harness.channel.writeInbound(garbage)
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(Self.goodbyes(frames) == [SyncContext.strangerGoodbye])
            #expect(!harness.channel.isActive)
            #expect(harness.link.link.withLock { $0?.closeReason }?.hasPrefix("malformed frame") == true)
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connections_refused_total", "reason=\"malformed_frame\"") == 1)
        }
    }

    /// A length prefix above the frame limit closes the connection as soon as its four bytes
    /// are in, before any payload is waited for (or buffered).
    @Test func anOversizedLengthPrefixClosesBeforeAnyPayload() throws {
        try Self.withChannel { harness in
            var prefix = ByteBuffer()
            prefix.writeInteger(UInt32(harness.context.limits.maxFrameBytes + 1), endianness: .big)
            try harness.channel.writeInbound(prefix)
            #expect(!harness.channel.isActive)
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(frames.isEmpty)
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connection_errors_total", "reason=\"frame_too_large\"") == 1)
            #expect(SyncChannel.counter(harness.site, "cairn_audit_aggregated_events_total", "reason=\"frame_too_large\"") == 1)
        }
    }

    /// A Hello whose certificate names another TLS key than the one proven: refused with the
    /// one text every stranger gets, whatever the reason.
    @Test func aHelloForAnotherKeyGetsTheStrangersGoodbye() throws {
        try Self.withChannel(tlsKey: TestKeys.verifiedCertificate("charlie/hq").tlsKey.bytes) { harness in
            try harness.channel.writeInbound(SyncChannel.wire(.hello(SyncChannel.hello("bravo/hq"))))
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(Self.goodbyes(frames) == [SyncContext.strangerGoodbye])
            #expect(!harness.channel.isActive)
            #expect(harness.context.registry.all.isEmpty)
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connections_refused_total", "reason=\"tls_key_mismatch\"") == 1)
        }
    }

    /// A Hello naming another federation (with a certificate this one never issued): the
    /// stranger's goodbye, nothing of this site sent, audited in aggregate by source.
    @Test func aHelloFromAnotherFederationGetsTheStrangersGoodbye() throws {
        try Self.withChannel { harness in
            var hello = SyncChannel.hello("bravo/hq")
            hello.federationID = [UInt8](repeating: 0x5a, count: hello.federationID.count)
            try harness.channel.writeInbound(SyncChannel.wire(.hello(hello)))
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(frames.count == 1 && Self.goodbyes(frames) == [SyncContext.strangerGoodbye], "\(frames)")
            #expect(!harness.channel.isActive)
            #expect(harness.context.registry.all.isEmpty)
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connections_refused_total", "reason=\"foreign_federation\"") == 1)
            #expect(SyncChannel.counter(harness.site, "cairn_audit_aggregated_events_total", "reason=\"foreign_federation\"") == 1)
        }
    }

    @Test func aConnectionWithoutHelloIsClosedAtItsDeadline() throws {
        let deadline = SyncHandler.HelloDeadline.at(.uptimeNanoseconds(0) + .seconds(10), timeout: .seconds(10))
        try Self.withChannel(deadline: deadline) { harness in
            harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
            #expect(harness.channel.isActive)
            harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(!harness.channel.isActive)
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            #expect(Self.goodbyes(frames) == [SyncContext.strangerGoodbye])
            #expect(SyncChannel.counter(harness.site, "cairn_sync_connections_refused_total", "reason=\"hello_timeout\"") == 1)
        }
    }

    /// A connection before its TLS handshake completed has no link: a frame then (impossible
    /// behind TLS) closes it.
    @Test func aFrameBeforeTheHandshakeClosesTheConnection() throws {
        try Self.withChannel(tlsKey: nil) { harness in
            try harness.channel.writeInbound(SyncChannel.wire(.hello(SyncChannel.hello("bravo/hq"))))
            #expect(!harness.channel.isActive)
            #expect(harness.link.link.withLock { $0 } == nil)
        }
    }

    /// The side that dialled introduces itself first, with this site's certificate.
    @Test func aDialledConnectionSendsItsHelloFirst() throws {
        try Self.withChannel(direction: .outbound) { harness in
            var reader = FrameReader()
            let frames = try reader.drain(harness.channel)
            guard case .hello(let hello)? = frames.first, frames.count == 1 else {
                Issue.record("expected one Hello, got \(frames)")
                return
            }
            #expect(hello.certificate == harness.site.identity.certificate.signed.serialized())
            #expect(hello.federationID == TestKeys.charter().federationID)
            #expect(harness.channel.isActive)
        }
    }

    /// The site this one dialled may send one `Trust` frame before it says who it is (the
    /// revocations a site hands a device it refuses as revoked); a second one is refused like
    /// any other frame before its Hello: an unidentified site gets no more verifying work.
    @Test func aDialledSiteGetsOneTrustFrameBeforeItsHello() throws {
        try Self.withChannel(direction: .outbound) { harness in
            var reader = FrameReader()
            _ = try reader.drain(harness.channel)  // our Hello
            let trust = SyncFrame.trust(revocations: [[1, 2, 3]], charters: [])
            try harness.channel.writeInbound(SyncChannel.wire(trust))
            #expect(harness.channel.isActive, "the first Trust frame closed the connection")
            try harness.channel.writeInbound(SyncChannel.wire(trust))
            #expect(!harness.channel.isActive, "a second Trust frame before the Hello was taken")
            #expect(harness.link.link.withLock { $0 }?.closeReason == "the first message must be Hello")
        }
    }
}
