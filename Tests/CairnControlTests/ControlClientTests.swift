import CairnControl
import Foundation
import Glibc
import Testing

@Suite struct ControlClientTests {
    @Test func statusIsRequestedAndDecoded() throws {
        let server = try CannedHTTPServer(texts: [httpResponse(200, "OK", body: DocumentTests.statusJSON)])
        defer { server.stop() }
        let status = try ControlClient(socketPath: server.socketPath, timeout: 5).status()
        #expect(status.device.ref == "alpha/hq")
        #expect(status.clearance == "SECRET")
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("GET /v1/status HTTP/1.1\r\n"))
        #expect(request.contains("Connection: close\r\n"))
    }

    @Test func putSendsTheRequestBodyAndReportsCreation() throws {
        let record = RecordDocumentTests.contractJSON
        let server = try CannedHTTPServer(texts: [
            httpResponse(201, "Created", body: record), httpResponse(200, "OK", body: record),
        ])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5)
        let request = PutRecordRequest(type: "incident", classification: "SECRET", fields: ["title": "Convoy stopped"])
        let (first, created) = try client.putRecord(request)
        #expect(created)
        #expect(first.id == "r-123")
        #expect(try client.putRecord(request).created == false)
        let sent = try #require(server.requests.first)
        #expect(sent.hasPrefix("POST /v1/records HTTP/1.1\r\n"))
        #expect(sent.contains("Content-Type: application/json\r\n"))
        let body = try #require(sent.components(separatedBy: "\r\n\r\n").last)
        #expect(try ControlJSON.decoder().decode(PutRecordRequest.self, from: Data(body.utf8)) == request)
    }

    /// `Prefer: return=minimal` is sent, and a daemon that ignores it (the whole record back)
    /// is understood as well as one that honours it.
    @Test func theMinimalPutAsksForTheMinimalReply() throws {
        let server = try CannedHTTPServer(texts: [
            httpResponse(201, "Created", body: #"{"classification":"SECRET","id":"r-123"}"#),
            httpResponse(200, "OK", body: RecordDocumentTests.contractJSON),
        ])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5)
        let request = PutRecordRequest(id: "r-123", type: "incident", classification: "SECRET")
        let (first, created) = try client.putRecordMinimal(request)
        #expect(first == RecordWrittenDocument(id: "r-123", classification: "SECRET"))
        #expect(created)
        let (second, again) = try client.putRecordMinimal(request)
        #expect(second == RecordWrittenDocument(id: "r-123", classification: "SECRET"))
        #expect(!again)
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.contains("Prefer: return=minimal\r\n") })
    }

    @Test func routesEncodeIdsAndQueries() throws {
        let server = try CannedHTTPServer(texts: [
            httpResponse(200, "OK", body: "[]"), httpResponse(200, "OK", body: "[]"),
            httpResponse(200, "OK", body: RecordDocumentTests.contractJSON),
        ])
        defer { server.stop() }
        let client = ControlClient(socketPath: server.socketPath, timeout: 5)
        #expect(try client.listRecords(class: "SECRET", tag: "a b", deleted: .include).isEmpty)
        #expect(try client.history(id: "r/1").isEmpty)
        _ = try client.deleteRecord(id: "r?2")
        let lines = server.requests.map { $0.components(separatedBy: "\r\n")[0] }
        #expect(
            lines == [
                "GET /v1/records?class=SECRET&tag=a%20b&deleted=include HTTP/1.1",
                "GET /v1/records/r%2F1/history HTTP/1.1",
                "DELETE /v1/records/r%3F2 HTTP/1.1",
            ])
    }

    @Test func errorDocumentBecomesRefused() throws {
        let body = #"{"error": {"code": "record_not_found", "message": "No record has id r-9."}}"#
        let server = try CannedHTTPServer(texts: [httpResponse(404, "Not Found", body: body)])
        defer { server.stop() }
        #expect(
            throws: ControlClientError.refused(status: 404, code: "record_not_found", message: "No record has id r-9.")
        ) {
            try ControlClient(socketPath: server.socketPath, timeout: 5).getRecord(id: "r-9")
        }
    }

    @Test func failureWithoutErrorDocumentIsABadResponse() throws {
        let server = try CannedHTTPServer(texts: [httpResponse(502, "Bad Gateway", body: "<html>")])
        defer { server.stop() }
        do {
            _ = try ControlClient(socketPath: server.socketPath, timeout: 5).status()
            Issue.record("a 502 was accepted")
        } catch .badResponse(let detail) {
            #expect(detail.contains("502"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func chunkedBodyIsReassembled() throws {
        let body = Array(DocumentTests.statusJSON.utf8)
        var text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        var offset = 0
        while offset < body.count {
            let piece = body[offset..<min(offset + 100, body.count)]
            text += String(piece.count, radix: 16) + "\r\n" + String(decoding: piece, as: UTF8.self) + "\r\n"
            offset += 100
        }
        text += "0\r\n\r\n"
        let server = try CannedHTTPServer(texts: [text])
        defer { server.stop() }
        #expect(try ControlClient(socketPath: server.socketPath, timeout: 5).status().records == 3)
    }

    @Test func oversizeHeadersAreRefused() throws {
        let huge = "HTTP/1.1 200 OK\r\nX-Pad: " + String(repeating: "p", count: 70 * 1024) + "\r\n\r\n{}"
        let server = try CannedHTTPServer(texts: [huge])
        defer { server.stop() }
        #expect(throws: ControlClientError.badResponse("response headers exceed 65536 bytes")) {
            try ControlClient(socketPath: server.socketPath, timeout: 5).status()
        }
    }

    @Test func silentDaemonTimesOut() throws {
        let server = try CannedHTTPServer(responses: [nil])
        defer { server.stop() }
        let started = Date()
        #expect(throws: ControlClientError.timedOut(socket: server.socketPath, seconds: 0.3)) {
            try ControlClient(socketPath: server.socketPath, timeout: 0.3).status()
        }
        // Loose: a loaded 2-core machine may not run this thread for seconds.
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func missingSocketIsUnreachableAndSaysSo() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/absent.sock"
        do {
            _ = try ControlClient(socketPath: path, timeout: 5).status()
            Issue.record("connected to nothing")
        } catch .unreachable(let socket, let reason) {
            #expect(socket == path)
            #expect(reason.contains("not running"))
            #expect(ControlClientError.unreachable(socket: socket, reason: reason).description.contains(path))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func refusedConnectionIsUnreachable() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stale.sock"
        // A bound socket that never listens: connecting to it is refused, like a stale socket file.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        do {
            _ = try ControlClient(socketPath: path, timeout: 5).status()
            Issue.record("connected to a socket that does not listen")
        } catch .unreachable(let socket, let reason) {
            #expect(socket == path)
            #expect(reason.contains("nothing is listening"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tooLongSocketPathIsInvalid() {
        let path = "/tmp/" + String(repeating: "x", count: 103)  // 108 bytes: one too many
        do {
            _ = try ControlClient(socketPath: path, timeout: 5).status()
            Issue.record("a 108-byte path was accepted")
        } catch .invalidSocketPath(let rejected, let reason) {
            #expect(rejected == path)
            #expect(reason.contains("107"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func defaultSocketPathPrefersTheEnvironment() {
        #expect(ControlClient.defaultSocketPath(environment: ["CAIRN_SOCKET": "/tmp/x.sock"]) == "/tmp/x.sock")
        #expect(ControlClient.defaultSocketPath(environment: ["CAIRN_SOCKET": ""]) == "/run/cairn/cairnd.sock")
        #expect(ControlClient.defaultSocketPath(environment: [:]) == "/run/cairn/cairnd.sock")
    }

    @Test func sendReturnsAnyStatus() throws {
        let server = try CannedHTTPServer(texts: [httpResponse(405, "Method Not Allowed", body: "{}")])
        defer { server.stop() }
        let response = try ControlClient(socketPath: server.socketPath, timeout: 5)
            .send(method: "PATCH", path: "/v1/status", body: Data("{}".utf8))
        #expect(response.status == 405)
        #expect(!response.isSuccess)
        #expect(server.requests.first?.hasPrefix("PATCH /v1/status HTTP/1.1\r\n") == true)
    }
}
