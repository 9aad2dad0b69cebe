import CairnProtocol
import CairnTransport
import CairnTrust
import NIOCore
import NIOEmbedded

/// The sync connection's receive path after TLS: the bytes go through `FrameDecoder` in a
/// channel pipeline, exactly as `TransportPipeline` installs it, in up to three reads so that
/// frames split across reads are exercised; each frame is decoded as a `SyncFrame`, and the
/// objects a frame carries (envelopes, certificates, revocations, charters) go through their
/// own parsers, as the daemon's peer link hands them on.
enum FrameFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        let fixtures = FuzzFixtures.shared
        var outcome = FuzzOutcome()
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: fixtures.syncLimits.maxFrameBytes)))
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let chunkSize = max(1, (data.count + 2) / 3)
        var start = 0
        repeat {
            let end = min(data.count, start + chunkSize)
            do {
                try channel.writeInbound(ByteBuffer(bytes: data[start..<end]))
            } catch {
                // `frameTooLarge`: the pipeline closes the connection here.
                outcome.reject(error)
                break
            }
            drain(channel, into: &outcome)
            start = end
        } while start < data.count
        return outcome
    }

    private static func drain(_ channel: EmbeddedChannel, into outcome: inout FuzzOutcome) {
        while let payload = try? channel.readInbound(as: ByteBuffer.self) {
            let frame: SyncFrame
            do {
                frame = try SyncFrame.decode(Array(payload.readableBytesView), limits: FuzzFixtures.shared.syncLimits)
            } catch {
                outcome.reject(error)
                continue
            }
            outcome.accept()
            _ = frame.description
            inspect(frame)
        }
    }

    /// Passes what a frame carries to the parsers that receive it; their refusals are expected
    /// and do not change whether the frame counts as accepted.
    private static func inspect(_ frame: SyncFrame) {
        let fixtures = FuzzFixtures.shared
        switch frame {
        case .hello(let hello):
            certificate(hello.certificate)
        case .certificates(let certificates):
            certificates.forEach(certificate)
        case .deltas(_, let envelopes), .earlyGrants(let envelopes):
            for envelope in envelopes {
                // An early grant is parsed like any envelope, then its copies.
                if let delta = try? SealedDelta.parse(envelope), delta.header.kind == .grant { _ = try? GrantCopies.grants(of: delta) }
            }
        case .trust(let revocations, let charters):
            for bytes in revocations {
                _ = try? Revocation.verify(SignedObject.parse(bytes: bytes, kind: .revocation), charter: fixtures.charter)
            }
            for bytes in charters {
                _ = try? Charter.accept(offered: SignedObject.parse(bytes: bytes, kind: .charter), held: fixtures.charter)
            }
        case .auditHeads(let own, let yours):
            // As the daemon checks them: each against the device it must come from.
            for head in [own, yours].compactMap({ $0 }) { _ = head.isValid(for: head.device) }
        case .reconcile(let bytes):
            // As the daemon routes it: its own decoder, with the session's limits. Harmless:
            // a fuzz harness, not linked into the daemon; refusing garbage is the expected
            // outcome, and only a crash or hang is a finding. No store is involved.
            _ = try? ReconcileMessage.decode(bytes, limits: .default)
        case .summary, .agree, .vector, .ack, .goodbye:
            break
        }
    }

    private static func certificate(_ bytes: [UInt8]) {
        let fixtures = FuzzFixtures.shared
        _ = try? DeviceCertificate.verify(
            SignedObject.parse(bytes: bytes, kind: .certificate), charter: fixtures.charter, now: fixtures.now)
    }
}
