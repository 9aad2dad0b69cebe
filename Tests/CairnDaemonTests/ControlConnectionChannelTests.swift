import CairnControl
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import CairnDaemon

/// The control pipeline as `ControlServer` builds it (`ControlConnectionHandler`, NIO's HTTP
/// server pipeline, `ControlHandler`) on an `EmbeddedChannel` with a virtual clock: stalled
/// requests are cut, forbidden ones are answered before their body, caps refuse at connect.
@Suite struct ControlConnectionChannelTests {
    static let nobody = PeerCredentials(pid: 7, uid: 65534, gid: 65534)
    static let root = PeerCredentials(pid: 8, uid: 0, gid: 0)

    /// One pipeline per call of `connect`, all sharing one gate (and so its caps).
    struct Harness {
        let gate: ControlGate
        let api: ControlAPI
        let pool: NIOThreadPool

        func connect(_ peer: PeerCredentials?) throws -> EmbeddedChannel {
            let channel = EmbeddedChannel()
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ControlConnectionHandler(peer: peer, gate: gate))
            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
            try pipeline.addHandler(ControlHandler(api: api, gate: gate, threadPool: pool, logger: SiteFixture.logger))
            try channel.connect(to: SocketAddress(unixDomainSocketPath: "/cairn-test/control.sock")).wait()
            return channel
        }
    }

    static func withHarness(
        device: String = "alpha/hq", limits: ControlLimits = ControlLimits(), readUIDs: [UInt32] = [],
        _ body: (Harness) throws -> Void
    ) throws {
        try withTemporaryDirectory { directory in try SiteFixture.withSite(try SiteFixture.config(in: directory, device: device)) { site in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            defer { try? pool.syncShutdownGracefully() }
            var config = DaemonConfig(
                configPath: "/c.toml", deviceKeys: "/k", certificate: "/c", charter: "/ch", passphraseFile: nil,
                stateDirectory: "/s", socketPath: "/sock")
            config.readUIDs = readUIDs
            let gate = ControlGate(
                limits: limits, authorizer: Authorizer(config: config, daemonUID: 990), site: site, threadPool: pool,
                logger: SiteFixture.logger)
            try body(Harness(gate: gate, api: ControlAPI(site: site, logger: SiteFixture.logger), pool: pool))
        } }
    }

    /// Everything written to the client so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        channel.embeddedEventLoop.run()
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    @Test func aStalledHeadIsAnswered408AndClosedAtTheHeaderDeadline() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(Self.root)
            try Self.send(channel, "GET /v1/status HTTP/1.1\r\nHost:")
            channel.embeddedEventLoop.advanceTime(by: .seconds(9))
            #expect(try Self.written(channel).isEmpty)
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            let reply = try Self.written(channel)
            #expect(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(reply)")
            #expect(reply.contains("\"request_timeout\""))
            #expect(!channel.isActive)
        }
    }

    @Test func aStalledBodyIsAnswered408AndClosedAtTheBodyDeadline() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(Self.root)
            try Self.send(channel, "POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":1")
            channel.embeddedEventLoop.advanceTime(by: .seconds(9))
            #expect(try Self.written(channel).isEmpty)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            let reply = try Self.written(channel)
            #expect(reply.hasPrefix("HTTP/1.1 408"), "\(reply)")
            #expect(!channel.isActive)
            let metrics = String(decoding: harness.api.site.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains("cairn_control_connections_closed_total{reason=\"body_timeout\"} 1"))
        }
    }

    @Test func aForbiddenRequestIsAnsweredBeforeItsBodyAndClosed() throws {
        try Self.withHarness(readUIDs: [1000]) { harness in
            // No right at all, and a read-only caller on a write route: neither body is awaited.
            for peer in [Self.nobody, PeerCredentials(pid: 9, uid: 1000, gid: 1000)] {
                let channel = try harness.connect(peer)
                try Self.send(channel, "POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                let reply = try Self.written(channel)
                #expect(reply.hasPrefix("HTTP/1.1 403 Forbidden\r\n"), "\(reply)")
                #expect(reply.contains("connection: close"))
                #expect(!channel.isActive)
            }
        }
    }

    @Test func anOversizeUploadIsAnsweredBeforeItsBody() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(Self.root)
            try Self.send(channel, "POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: \(ControlAPI.maxRequestBodyBytes + 1)\r\n\r\n")
            #expect(try Self.written(channel).hasPrefix("HTTP/1.1 413"))
            #expect(!channel.isActive)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedWithoutAnAnswer() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(Self.root)
            // Refused by the route table on the loop (no thread pool), with keep-alive.
            try Self.send(channel, "GET /v2/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = try Self.written(channel)
            #expect(reply.hasPrefix("HTTP/1.1 404"), "\(reply)")
            #expect(reply.contains("connection: keep-alive"))
            channel.embeddedEventLoop.advanceTime(by: .seconds(29))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .seconds(2))
            #expect(try Self.written(channel).isEmpty)
            #expect(!channel.isActive)
        }
    }

    @Test func aChangeStreamOutlivesEveryDeadline() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(Self.root)
            try Self.send(channel, "GET /v1/watch HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try Self.written(channel).contains("{\"event\":\"watching\"}"))
            channel.embeddedEventLoop.advanceTime(by: .hours(2))
            #expect(channel.isActive)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// Issue 17: watching a level above the clearance waited for ever; `record list` refuses it.
    @Test func watchingALevelAboveTheClearanceIsRefusedAsAListingIs() throws {
        try Self.withHarness(device: "bravo/hq") { harness in  // cleared CONFIDENTIAL
            let refused = try harness.connect(Self.root)
            try Self.send(refused, "GET /v1/watch?class=SECRET HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = try Self.written(refused)
            #expect(reply.contains("above_clearance"), "\(reply)")
            #expect(!reply.contains("watching"))
            let unknown = try harness.connect(Self.root)
            try Self.send(unknown, "GET /v1/watch?class=TOPSECRET HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try Self.written(unknown).contains("unknown_level"))
            let allowed = try harness.connect(Self.root)
            try Self.send(allowed, "GET /v1/watch?class=CONFIDENTIAL HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try Self.written(allowed).contains("{\"event\":\"watching\"}"))
            _ = try allowed.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func callersOverTheCapAreRefusedAtConnectAndAdminsKeepTheirReserve() throws {
        var limits = ControlLimits()
        limits.maxConnections = 3
        limits.maxConnectionsPerUID = 2
        limits.adminReserve = 1
        try Self.withHarness(limits: limits) { harness in
            let first = try harness.connect(Self.nobody)
            let second = try harness.connect(Self.nobody)
            let third = try harness.connect(Self.nobody)
            let refused = try Self.written(third)
            #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
            #expect(refused.contains("too_many_connections") && refused.contains("max_connections_per_uid"))
            #expect(!third.isActive)
            #expect(first.isActive && second.isActive)
            let other = try harness.connect(PeerCredentials(pid: 1, uid: 1000, gid: 1000))
            #expect(other.isActive)
            // The total cap is reached; root still gets in, once.
            let stranger = try harness.connect(PeerCredentials(pid: 1, uid: 1001, gid: 1001))
            #expect(!stranger.isActive)
            let admin = try harness.connect(Self.root)
            #expect(admin.isActive)
            #expect(!(try harness.connect(Self.root)).isActive)
            // Closed connections give their slots back.
            _ = try first.finish(acceptAlreadyClosed: true)
            #expect(!(try harness.connect(Self.nobody)).isActive)
            _ = try other.finish(acceptAlreadyClosed: true)
            #expect(try harness.connect(Self.nobody).isActive)
            let metrics = String(decoding: harness.api.site.metrics.exposition(), as: UTF8.self)
            #expect(metrics.contains("cairn_control_connections_refused_total{reason=\"too_many_for_uid\"} 1"))
            #expect(metrics.contains("cairn_control_connections_refused_total{reason=\"too_many_connections\"} 3"))
        }
    }

    @Test func aCallerWhoseCredentialsCannotBeReadIsRefused() throws {
        try Self.withHarness { harness in
            let channel = try harness.connect(nil)
            #expect(try Self.written(channel).hasPrefix("HTTP/1.1 403"))
            #expect(!channel.isActive)
        }
    }
}
