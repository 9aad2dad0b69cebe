import CairnControl
import Foundation
import Synchronization
import Testing

extension IntegrationSuite {
    /// `cairn sync --wait` against a real daemon whose peer never answers a round: waiting
    /// callers hold no thread of the daemon (200 of them, with 50 watchers, leave `status`
    /// answering at once), each answers at its deadline, and a peer that disconnects ends the
    /// wait with the round not completed.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct SyncWaitLoadTests {
        /// A daemon with a silent peer (`bravo/hq`, played by the test) admitted and connected.
        static func withSilentPeer(_ body: (Federation.Member, TestPeer) throws -> Void) throws {
            var options = Federation.Options()
            // 200 waits and 50 watchers from the test's uid at once.
            options.extraControl = ["max_connections_per_uid = 512"]
            let federation = try Federation(devices: ["alpha/hq"], options: options)
            defer { federation.shutdown() }
            let alpha = federation.member("alpha/hq")
            let peer = try TestPeer.connect(port: alpha.port, as: .fixture("bravo/hq"), honest: false)
            defer { peer.close() }
            try peer.waitUntilAdmitted()
            try FederationWait.until("alpha lists bravo as connected", timeout: 10) {
                try alpha.client.peers().peers.contains { $0.device == "bravo/hq" && $0.connected } ? nil : "not yet"
            }
            try body(alpha, peer)
        }

        @Test func twoHundredWaitsHoldNoThreadOfTheDaemon() throws {
            try Self.withSilentPeer { alpha, _ in
                let watchers = try (0..<50).map { _ in try RawControlConnection(socket: alpha.site.socket) }
                for watcher in watchers { watcher.send("GET /v1/watch HTTP/1.1\r\nHost: cairnd\r\n\r\n") }
                let answers = Mutex<[(seconds: TimeInterval, result: Result<SyncResultDocument, ControlClientError>)]>([])
                let done = DispatchGroup()
                let client = alpha.client
                for _ in 0..<200 {
                    done.enter()
                    let thread = Thread {
                        defer { done.leave() }
                        let started = Date()
                        let result = Result { () throws(ControlClientError) -> SyncResultDocument in
                            try client.sync(SyncRequest(peer: "bravo/hq", wait: true, waitSeconds: 3))
                        }
                        answers.withLock { $0.append((Date().timeIntervalSince(started), result)) }
                    }
                    thread.start()
                }
                // While they all wait: a request that needs the daemon's thread pool (status
                // reads the store) answers at once. With a pool thread parked per wait, it
                // queued behind 200 waits of 3 s on 16 threads.
                Thread.sleep(forTimeInterval: 1)
                let asked = Date()
                let status = try alpha.client.status()
                let took = Date().timeIntervalSince(asked)
                #expect(took < 1.0, "status took \(took) s while 200 callers waited")
                #expect(answers.withLock { $0.count } == 0, "a wait ended before its deadline")
                #expect(status.sync.peers.contains { $0.connected })

                #expect(done.wait(timeout: .now() + 60) == .success, "not every wait answered")
                let all = answers.withLock { $0 }
                #expect(all.count == 200)
                let slowest = all.map(\.seconds).max() ?? 0
                #expect(slowest < 3 + 5, "the slowest wait answered after \(slowest) s (deadline 3 s)")
                let rounds = all.compactMap { try? $0.result.get() }.flatMap(\.rounds)
                #expect(rounds.count == 200, "\(all.filter { (try? $0.result.get()) == nil }.count) waits failed")
                // The peer never answers a round.
                #expect(rounds.allSatisfy { !$0.completed && $0.peer == "bravo/hq" })
                #expect(all.allSatisfy { $0.seconds >= 2.9 })
            }
        }

        /// A caller that hangs up (Ctrl-C of `cairn sync --wait`) ends its wait in the daemon at
        /// once, instead of leaving it to its deadline.
        @Test func aCallerThatHangsUpStopsItsWait() throws {
            try Self.withSilentPeer { alpha, _ in
                // Sync requests answered so far (counted when the wait ends).
                func answered() throws -> Int {
                    let prefix = #"cairn_control_requests_total{route="sync",status="200"} "#
                    let line = try alpha.client.metrics().split(separator: "\n").first { $0.hasPrefix(prefix) }
                    return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
                }
                let before = try answered()
                let body = #"{"peer":"bravo/hq","wait":true,"waitSeconds":60}"#
                var caller: RawControlConnection? = try RawControlConnection(socket: alpha.site.socket)
                caller?.send(
                    "POST /v1/sync HTTP/1.1\r\nHost: cairnd\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                Thread.sleep(forTimeInterval: 1)
                #expect(try answered() == before, "the wait ended before the caller hung up")
                caller = nil
                try FederationWait.until("the abandoned wait ends", timeout: 10) {
                    try answered() == before + 1 ? nil : "still waiting"
                }
            }
        }

        /// The answer used to say `completed: true` for a round whose connection closed before it
        /// finished: the closed link woke the waiter as a finished round would.
        @Test func aPeerThatDisconnectsEndsTheWaitWithTheRoundNotCompleted() throws {
            try Self.withSilentPeer { alpha, peer in
                let answer = Mutex<(seconds: TimeInterval, result: Result<SyncResultDocument, ControlClientError>)?>(nil)
                let done = DispatchGroup()
                done.enter()
                let client = alpha.client
                Thread {
                    defer { done.leave() }
                    let started = Date()
                    let result = Result { () throws(ControlClientError) -> SyncResultDocument in
                        try client.sync(SyncRequest(peer: "bravo/hq", wait: true, waitSeconds: 60))
                    }
                    answer.withLock { $0 = (Date().timeIntervalSince(started), result) }
                }.start()
                Thread.sleep(forTimeInterval: 1)
                peer.close()
                #expect(done.wait(timeout: .now() + 30) == .success)
                let (seconds, result) = try #require(answer.withLock { $0 })
                #expect(seconds < 15, "the wait outlived its connection by \(seconds) s")
                let rounds = try result.get().rounds
                #expect(rounds.count == 1 && rounds.first?.completed == false, "\(rounds)")
            }
        }
    }
}
