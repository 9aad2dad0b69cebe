import CairnControl
import NIOCore
import Testing

@testable import CairnDaemon

/// A request body is collected in one buffer without copying what arrived before each chunk.
@Suite struct ControlBodyTests {
    @Test func bodyChunksAreAppendedInPlace() throws {
        var pending = ControlHandler.Pending.reading(
            .bundleImport(dryRun: false, progress: false), keepAlive: true,
            body: ByteBufferAllocator().buffer(capacity: 1 << 20))
        var addresses: Set<UInt> = []
        for _ in 0..<64 {
            var chunk = ByteBuffer(bytes: [UInt8](repeating: 7, count: 4096))
            pending.appendBody(&chunk, tooLarge: { _ in .error(.payloadTooLarge, "too large") })
            guard case .reading(_, _, let body) = pending else {
                Issue.record("the body was refused")
                return
            }
            _ = body.withUnsafeReadableBytes { addresses.insert(UInt(bitPattern: $0.baseAddress)) }
        }
        // One allocation throughout: a copy per chunk made a 132 MiB import quadratic.
        #expect(addresses.count == 1, "the body moved \(addresses.count - 1) times in 64 appends")
        guard case .reading(_, _, let body) = pending else { return }
        #expect(body.readableBytes == 64 * 4096)
    }

    @Test func aBodyPastTheRouteLimitIsRefusedBeforeBuffering() throws {
        var pending = ControlHandler.Pending.reading(.status, keepAlive: true, body: ByteBuffer())
        var chunk = ByteBuffer(bytes: [UInt8](repeating: 1, count: ControlRoute.status.maxBodyBytes + 1))
        pending.appendBody(&chunk, tooLarge: { limit in .error(.payloadTooLarge, "over \(limit)") })
        guard case .refusing(_, let keepAlive) = pending else {
            Issue.record("an oversize body was buffered")
            return
        }
        #expect(!keepAlive)
    }
}
