import CairnProtocol
import CairnTransport
import Foundation

/// Everything a `TestPeer` saw on its connection, shared between the channel's event loop
/// (which records) and the test's thread (which reads snapshots and waits).
final class TestPeerRecorder: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `lock`.

    /// One frame as received: the exact bytes, and the frame if it decoded.
    struct Received: Sendable {
        var bytes: [UInt8]
        var frame: SyncFrame?
        var decodingError: String?
    }

    /// A consistent copy of what was recorded so far.
    struct Snapshot: Sendable {
        var handshake: TLSPeer?
        var received: [Received]
        var errors: [String]
        var closed: Bool
        var replica: TestPeerReplica

        var frames: [SyncFrame] { received.compactMap(\.frame) }
        /// The reason of the daemon's Goodbye, if it sent one.
        var goodbye: String? {
            for frame in frames { if case .goodbye(let reason, _) = frame { return reason } }
            return nil
        }
        /// The daemon admitted us: after its Hello came something only an admitted peer gets.
        var admitted: Bool {
            frames.contains { frame in
                switch frame {
                case .certificates, .summary, .vector, .deltas, .agree: return true
                default: return false
                }
            }
        }
        /// The acknowledgement of our batch `batch`, if it arrived.
        func ack(_ batch: UInt64) -> AckCounts? {
            for frame in frames { if case .ack(let counts) = frame, counts.batch == batch { return counts } }
            return nil
        }
    }

    private let lock = NSLock()
    private var handshake: TLSPeer?
    private var received: [Received] = []
    private var errors: [String] = []
    private var closed = false
    private var replica: TestPeerReplica
    private let honest: Bool

    init(ownClearance: String, honest: Bool) {
        replica = TestPeerReplica(ownClearance: ownClearance)
        self.honest = honest
    }

    var snapshot: Snapshot {
        lock.withLock {
            Snapshot(handshake: handshake, received: received, errors: errors, closed: closed, replica: replica)
        }
    }

    func handshakeCompleted(_ peer: TLSPeer) {
        lock.withLock { handshake = peer }
    }

    /// Records a frame and returns what an honest peer answers (nothing when not honest).
    func receive(_ bytes: [UInt8]) -> [SyncFrame] {
        let frame: SyncFrame?
        var failure: String?
        do {
            frame = try SyncFrame.decode(bytes, limits: .default)
        } catch {
            frame = nil
            failure = "\(error)"
        }
        return lock.withLock {
            received.append(Received(bytes: bytes, frame: frame, decodingError: failure))
            guard let frame else { return [] }
            let answers = replica.handle(frame)
            return honest ? answers : []
        }
    }

    func error(_ error: any Error) {
        lock.withLock { errors.append("\(error)") }
    }

    func connectionClosed() {
        lock.withLock { closed = true }
    }
}
