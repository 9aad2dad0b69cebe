import CairnProtocol
import CairnTestSupport
import CairnTransport
import CairnTrust
import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import CairnDaemon

/// The sync pipeline as `SyncService` builds it behind TLS (`FrameDecoder`, `FrameEncoder`,
/// `SyncHandler`), for tests that drive a connection frame by frame on a test channel. TLS is
/// left out: the test fires the `TLSHandshakeCompleted` it would fire, naming the key the peer
/// proved.
enum SyncChannel {
    static let limits = SyncLimits()

    /// Adds the handlers to `channel` (on its event loop). `onLink` hears of the link.
    static func configure(
        _ channel: any Channel, context: SyncContext, direction: PeerLink.Direction = .inbound,
        deadline: SyncHandler.HelloDeadline = .afterHandshake(.seconds(10)), onLink: @escaping @Sendable (PeerLink?) -> Void = { _ in }
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: context.limits.maxFrameBytes)))
        try pipeline.addHandler(FrameEncoder(maxFrameBytes: context.limits.maxFrameBytes))
        try pipeline.addHandler(
            SyncHandler(
                context: context, direction: direction, configuredName: direction == .outbound ? "bravo" : nil, deadline: deadline,
                onLink: onLink))
    }

    /// What `TLSHandler` fires once the peer proved `key`.
    static func handshake(_ key: [UInt8]) -> TLSHandshakeCompleted {
        TLSHandshakeCompleted(peer: TLSPeer(publicKey: key, alpn: "cairn/1", protocolVersion: "TLSv1.3"))
    }

    /// A frame as the peer sends it: length prefix and payload.
    static func wire(_ frame: SyncFrame) -> ByteBuffer {
        let bytes = frame.encode()
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(bytes.count), endianness: .big)
        buffer.writeBytes(bytes)
        return buffer
    }

    /// Features of a peer that speaks protocol 1 only: the tests that drive whole-vector rounds
    /// by hand say Hello with these.
    static let protocol1Features = SyncFrame.features & ~SyncFrame.reconcileFeature

    /// The Hello of `device` of the test federation (a protocol-1 peer unless told otherwise).
    static func hello(_ device: String, features: UInt64 = protocol1Features) -> HelloFrame {
        let charter = TestKeys.charter()
        return HelloFrame(
            federationID: charter.federationID, charterVersion: charter.version, certificate: TestKeys.certificate(device).serialized(),
            features: features)
    }

    /// A context for `site`, with the test federation's clock.
    static func context(site: any SyncSite, auditSite: Site, pool: NIOThreadPool, limits: SyncLimits = limits) -> SyncContext {
        var context = SyncContext(
            site: site, threadPool: pool, limits: limits, registry: PeerRegistry(),
            auditor: Auditor(site: auditSite, threadPool: pool), logger: SiteFixture.logger)
        context.now = { TestKeys.now }
        return context
    }

    /// One of this site's counters in `site`'s metrics, 0 when it was never counted.
    static func counter(_ site: any SyncSite, _ name: String, _ label: String) -> Int {
        let text = String(decoding: site.metrics.exposition(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && line.contains(label) {
            return Int(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }
}

/// Reassembles the frames a channel wrote (the encoder writes a large payload apart from its
/// length prefix).
struct FrameReader {
    private var pending = ByteBuffer()

    mutating func add(_ buffer: ByteBuffer) {
        var buffer = buffer
        pending.writeBuffer(&buffer)
    }

    /// The next whole frame, if its bytes are all there.
    mutating func next() throws -> SyncFrame? {
        guard let length = pending.getInteger(at: pending.readerIndex, endianness: .big, as: UInt32.self),
            pending.readableBytes >= 4 + Int(length)
        else { return nil }
        pending.moveReaderIndex(forwardBy: 4)
        let bytes = pending.readBytes(length: Int(length)) ?? []
        return try SyncFrame.decode(bytes, limits: SyncChannel.limits)
    }

    /// Every whole frame `channel` has written so far.
    mutating func drain(_ channel: EmbeddedChannel) throws -> [SyncFrame] {
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { add(buffer) }
        var frames: [SyncFrame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }

    /// The next frame `channel` writes, waiting for it (the suite's time limit bounds the wait).
    mutating func next(from channel: NIOAsyncTestingChannel) async throws -> SyncFrame {
        while true {
            if let frame = try next() { return frame }
            add(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        }
    }

    /// The next frame `channel` writes that is not an `AuditHeads` (sent at admission and then
    /// every few seconds, beside whatever a test looks at) nor an `EarlyGrants` (sent at an
    /// admission that granted the peer a key; `SyncEarlyGrantsTests` looks at those).
    mutating func nextIgnoringAuditHeads(from channel: NIOAsyncTestingChannel) async throws -> SyncFrame {
        while true {
            let frame = try await next(from: channel)
            if case .auditHeads = frame { continue }
            if case .earlyGrants = frame { continue }
            return frame
        }
    }

    /// Whether the channel has written nothing more so far (not waiting).
    mutating func isQuiet(_ channel: NIOAsyncTestingChannel) async throws -> Bool {
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { add(buffer) }
        return pending.readableBytes == 0
    }
}

/// Waits, without holding a thread of the caller's, until `semaphore` is signalled or
/// `seconds` pass; returns whether it was signalled.
func wait(for semaphore: DispatchSemaphore, seconds: Int = 20) async -> Bool {
    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        DispatchQueue.global().async {
            continuation.resume(returning: semaphore.wait(timeout: .now() + .seconds(seconds)) == .success)
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
