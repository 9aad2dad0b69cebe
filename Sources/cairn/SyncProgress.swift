import CairnControl
import Foundation
import Synchronization

/// The progress line of `cairn sync --wait` on a terminal: every half second, per peer, the
/// deltas received since the command started and those the peer showed it holds that this
/// site still lacks, read from the daemon's peer list on a second connection.
final class SyncProgress: Sendable {
    private let client: ControlClient
    private let peer: String?
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(socketPath: String, peer: String?) {
        // Polled every half second: one kept connection, not one per poll.
        client = ControlClient(socketPath: socketPath, timeout: 5).keepingAlive()
        self.peer = peer
    }

    func start() {
        Thread.detachNewThread { [self] in
            var baseline: [String: UInt64] = [:]
            var shown = false
            while running.load(ordering: .relaxed) {
                if let document = try? client.peers() {
                    let peers = document.peers.filter { $0.connected && (peer == nil || $0.name == peer || $0.device == peer) }
                    let parts = peers.map { peer -> String in
                        let received = peer.levels.reduce(0) { $0 + $1.deltasReceived }
                        let missing = peer.levels.reduce(0) { $0 + $1.missing }
                        let since = received - min(received, baseline[peer.name, default: received])
                        if baseline[peer.name] == nil { baseline[peer.name] = received }
                        return Self.describe(peer: peer.name, received: since, missing: missing)
                    }
                    if !parts.isEmpty {
                        FileHandle.standardError.write(Data("\r\(parts.joined(separator: "; "))\u{1B}[K".utf8))
                        shown = true
                    }
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            finished.signal()
        }
    }

    /// Stops the line and clears it (waits for the polling thread, at most a few seconds).
    func stop() {
        running.store(false, ordering: .relaxed)
        _ = finished.wait(timeout: .now() + 6)
    }

    /// `bravo-hq: received 12345, missing 7656 (61%)`.
    static func describe(peer: String, received: UInt64, missing: UInt64) -> String {
        let total = received + missing
        let percent = total == 0 ? 100 : Int(Double(received) * 100 / Double(total))
        return "\(peer): received \(received), missing \(missing) (\(percent)%)"
    }
}
