import Foundation
import Testing

@testable import CairnControl

/// A client made with `keepingAlive()` sends its requests on one connection while the daemon
/// keeps it open, and connects afresh when the daemon closed it or asked for its close.
@Suite struct KeepAliveClientTests {
    private static let ok = httpResponse(200, "OK", body: #"{"ok":true}"#, keepAlive: true)

    @Test func oneConnectionCarriesEveryRequest() throws {
        let server = try CannedHTTPServer(conversations: [[Self.ok, Self.ok, Self.ok].map { Array($0.utf8) }])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5).keepingAlive()
        for _ in 0..<3 {
            #expect(try client.send(method: "GET", path: "/v1/status").status == 200)
        }
        // The server answers all three on its one connection: it accepts no other (a call on a
        // second connection would time out unanswered).
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.contains("Connection: keep-alive\r\n") })
    }

    /// The daemon closed the kept connection (its idle timeout): the next call connects again.
    @Test func aConnectionTheDaemonClosedIsReplaced() throws {
        let server = try CannedHTTPServer(conversations: [[Array(Self.ok.utf8)], [Array(Self.ok.utf8)]])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5).keepingAlive()
        #expect(try client.send(method: "GET", path: "/v1/status").status == 200)
        let deadline = Date().addingTimeInterval(5)
        while server.closed < 1, Date() < deadline { usleep(1_000) }
        #expect(try client.send(method: "POST", path: "/v1/records", body: Data("{}".utf8)).status == 200)
        #expect(server.requests.count == 2)
    }

    /// A response with `Connection: close` ends the connection: the next call opens another.
    @Test func aResponseThatClosesIsNotReused() throws {
        let closing = httpResponse(200, "OK", body: "{}")
        let server = try CannedHTTPServer(conversations: [[Array(closing.utf8)], [Array(Self.ok.utf8)]])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5).keepingAlive()
        #expect(try client.send(method: "GET", path: "/v1/status").status == 200)
        #expect(try client.send(method: "GET", path: "/v1/status").status == 200)
        #expect(server.requests.count == 2)
    }

    /// A plain client still asks for the close, one connection per call.
    @Test func aPlainClientClosesEachConnection() throws {
        let server = try CannedHTTPServer(texts: [httpResponse(200, "OK", body: "{}"), httpResponse(200, "OK", body: "{}")])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5)
        _ = try client.send(method: "GET", path: "/v1/status")
        _ = try client.send(method: "GET", path: "/v1/status")
        #expect(server.requests.allSatisfy { $0.contains("Connection: close\r\n") })
    }
}
