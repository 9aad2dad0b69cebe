import CairnControl
import CairnTestSupport
import Foundation

/// Writer threads for the torture suites: each writes records of its own (new ones, and updates
/// of earlier ones) through the control API of one site, at every level the site is cleared for,
/// noting every attempt and acknowledgement in a ledger, until stopped. A refused or failed
/// call (the daemon is down, or died while answering) is noted and the writer carries on.
final class TortureWriters: @unchecked Sendable {
    // @unchecked: `stopped` is guarded by `lock`; the threads share only the Sendable ledger.

    let ledger: TortureLedger
    private let lock = NSLock()
    private var stopped = false
    private let group = DispatchGroup()

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Writers noting into `ledger` (shared by successive sets of writers of one test).
    init(ledger: TortureLedger = TortureLedger()) {
        self.ledger = ledger
    }

    /// Starts `perSite` writers for each member, pausing `pause` seconds between writes (the
    /// pace bounds the store's size, so that checks at the end stay quick). `tag` goes into the
    /// record ids, distinct for each set of writers of one ledger.
    func start(_ federation: Federation, perSite: Int, pause: TimeInterval, seed: UInt64, tag: String = "") {
        for (siteIndex, member) in federation.members.enumerated() {
            let levels = Federation.levels.filter { Federation.isCleared(member.clearance, for: $0) }
            for writer in 0..<perSite {
                let device = member.device, client = member.client, prefix = "\(member.peerName)-\(tag)w\(writer)"
                let ledger = self.ledger
                let writerSeed = seed &+ UInt64(siteIndex * 16 + writer)
                group.enter()
                Thread.detachNewThread { [self, group] in
                    defer { group.leave() }
                    var random = SeededRandom(seed: writerSeed)
                    var mine: [(id: String, level: String)] = []
                    var n = 0
                    while !isStopped {
                        let target: (id: String, level: String)
                        if !mine.isEmpty && random.next() % 4 == 0 {
                            target = mine[Int(random.next() % UInt64(mine.count))]
                        } else {
                            n += 1
                            target = ("\(prefix)-\(n)", levels[n % levels.count])
                            mine.append(target)
                        }
                        let value = Int64(random.next() % 1_000_000_000)
                        ledger.attempt(target.id, site: device, level: target.level, value: value)
                        let request = PutRecordRequest(
                            id: target.id, type: "torture", classification: target.level, fields: ["v": .int(value)])
                        if (try? client.putRecord(request)) != nil {
                            ledger.acknowledge(target.id, value: value)
                            Thread.sleep(forTimeInterval: pause)
                        } else {
                            ledger.fail()
                            Thread.sleep(forTimeInterval: 0.05)
                        }
                    }
                }
            }
        }
    }

    /// Stops every writer and waits for them.
    func stop() {
        lock.withLock { stopped = true }
        group.wait()
    }
}
