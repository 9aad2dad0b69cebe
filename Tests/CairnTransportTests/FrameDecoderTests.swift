import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import CairnTransport

/// The frame decoder on one end of a socket pair, reading at most 3 bytes per read so that every
/// frame arrives split. (NIO's EmbeddedChannel lives in NIOEmbedded, which this test target does
/// not depend on; a socket pair is as deterministic here.)
@Suite struct FrameDecoderTests {
    private struct Rig {
        let channel: any Channel
        let writer: Int32
        let probe: Probe

        func send(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writer, raw.baseAddress! + offset, raw.count - offset)
                    precondition(n > 0, "socket pair write failed")
                    offset += n
                }
            }
        }

        func stop() async {
            probe.finish()
            close(writer)
            try? await channel.close()
        }
    }

    private func rig(maxFrameBytes: Int, expectedFrames: Int = 1) async throws -> Rig {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let kind = Int32(SOCK_STREAM.rawValue)
        #else
        let kind = SOCK_STREAM
        #endif
        #expect(socketpair(AF_UNIX, kind, 0, &fds) == 0)
        let group = MultiThreadedEventLoopGroup.singleton
        let probe = Probe(on: group.any(), expectedFrames: expectedFrames)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try pipeline.addHandler(FrameEncoder(maxFrameBytes: maxFrameBytes))
                    try pipeline.addHandler(CloseOnErrorHandler())
                    try pipeline.addHandler(ProbeHandler(probe: probe))
                }
            }
            .withConnectedSocket(fds[0]).get()
        return Rig(channel: channel, writer: fds[1], probe: probe)
    }

    private func frame(_ payload: String) -> [UInt8] {
        let bytes = Array(payload.utf8)
        return withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init) + bytes
    }

    @Test func splitFrameIsReassembled() async throws {
        let rig = try await rig(maxFrameBytes: 1_024)
        rig.send(frame("a frame split over four reads"))
        let frames = try await rig.probe.frames.futureResult.get()
        #expect(frames.map { String(buffer: $0) } == ["a frame split over four reads"])
        await rig.stop()
    }

    @Test func severalFramesInOneWriteAreDelivered() async throws {
        let rig = try await rig(maxFrameBytes: 1_024, expectedFrames: 4)
        rig.send(frame("one") + frame("") + frame("three") + frame("four, at the end"))
        let frames = try await rig.probe.frames.futureResult.get()
        #expect(frames.map { String(buffer: $0) } == ["one", "", "three", "four, at the end"])
        await rig.stop()
    }

    @Test func frameAtTheLimitIsAccepted() async throws {
        let rig = try await rig(maxFrameBytes: 16)
        rig.send(frame(String(repeating: "x", count: 16)))
        let frames = try await rig.probe.frames.futureResult.get()
        #expect(frames.first?.readableBytes == 16)
        await rig.stop()
    }

    @Test func oversizedLengthIsRefusedAfterFourBytes() async throws {
        let rig = try await rig(maxFrameBytes: TransportOptions.defaultMaxFrameBytes)
        // Only the length: the decoder must not wait for (or reserve) 4 GiB of payload.
        rig.send([0xFF, 0xFF, 0xFF, 0xFF])
        let error = try await rig.probe.error.futureResult.get()
        #expect(error as? TransportError == .frameTooLarge(length: 0xFFFF_FFFF, limit: 4 << 20))
        try await rig.channel.closeFuture.get()
        await rig.stop()
    }

    @Test func encoderRefusesOversizedPayload() async throws {
        let rig = try await rig(maxFrameBytes: 4)
        let written = rig.channel.eventLoop.makePromise(of: Void.self)
        rig.channel.writeAndFlush(ByteBuffer(string: "12345"), promise: written)
        await #expect(throws: TransportError.frameTooLarge(length: 5, limit: 4)) { try await written.futureResult.get() }
        try await rig.channel.closeFuture.get()
        await rig.stop()
    }

    @Test func encoderPrefixesTheLength() async throws {
        let rig = try await rig(maxFrameBytes: 64)
        try await rig.channel.writeAndFlush(ByteBuffer(string: "hi")).get()
        var received = [UInt8](repeating: 0, count: 6)
        #expect(read(rig.writer, &received, 6) == 6)
        #expect(received == [0, 0, 0, 2] + Array("hi".utf8))
        await rig.stop()
    }
}
