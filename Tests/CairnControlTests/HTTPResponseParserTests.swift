import Foundation
import Testing

@testable import CairnControl

@Suite struct HTTPResponseParserTests {
    /// Feeds `text` in pieces of `step` bytes and returns the response once complete or closed.
    private func parse(_ text: String, step: Int = 7, parser: HTTPResponseParser = HTTPResponseParser())
        throws(ControlClientError) -> ControlResponse
    {
        var parser = parser
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count && !parser.isComplete {
            try parser.feed(bytes[offset..<min(offset + step, bytes.count)])
            offset += step
        }
        return try parser.finish()
    }

    @Test func contentLengthBodyAcrossManyReads() throws {
        let response = try parse("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: b c \r\n\r\nhelloEXTRA")
        #expect(response.status == 201)
        #expect(response.reason == "Created")
        #expect(response.header("x-a") == "b c")
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for step in [1, 3, 1000] {
            let response = try parse(text, step: step)
            #expect(String(decoding: response.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        }
    }

    @Test func closeDelimitedBody() throws {
        let response = try parse("HTTP/1.0 200 OK\r\n\r\n{}")
        #expect(String(decoding: response.body, as: UTF8.self) == "{}")
    }

    /// Keep-alive: a connection carries another request only after a response framed by its
    /// length or chunks, without `Connection: close`, with nothing after it.
    @Test func reuseFollowsFramingAndTheConnectionHeader() throws {
        func reusable(_ text: String) throws -> Bool {
            var parser = HTTPResponseParser()
            try parser.feed(Array(text.utf8))
            return parser.connectionReusable
        }
        #expect(try reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        #expect(try reusable("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
        #expect(try reusable("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n"))
        #expect(try !reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: Close\r\n\r\n{}"))
        #expect(try !reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: keep-alive, close\r\n\r\n{}"))
        #expect(try !reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}stray"))
        #expect(try !reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{"))
        #expect(try !reusable("HTTP/1.0 200 OK\r\n\r\n{}"))
    }

    @Test func interimResponsesAreSkipped() throws {
        let response = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
    }

    @Test func oversizeHeadersAreRefusedBeforeTheirEnd() {
        var parser = HTTPResponseParser(maxHeaderBytes: 100)
        #expect(throws: ControlClientError.badResponse("response headers exceed 100 bytes")) {
            try parser.feed(Array(("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 200)).utf8))
        }
    }

    @Test func oversizeBodiesAreRefusedFromTheirDeclaredLength() {
        let parser = HTTPResponseParser(maxBodyBytes: 10)
        #expect(throws: ControlClientError.self) {
            try parse("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", parser: parser)
        }
        #expect(throws: ControlClientError.self) {
            try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n", parser: parser)
        }
        #expect(throws: ControlClientError.self) {
            try parse("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 11), parser: parser)
        }
    }

    @Test func malformedResponsesAreRefused() {
        for text in [
            "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "HTTP/1.1 200 OK\r\nContent-",
        ] {
            #expect(throws: ControlClientError.self, "\(text)") { try parse(text) }
        }
        var empty = HTTPResponseParser()
        #expect(throws: ControlClientError.badResponse("the connection closed without a response")) {
            try empty.finish()
        }
    }
}

/// The change stream's chunked decoding, whatever way the bytes are split.
@Suite struct ChunkedLineDecoderTests {
    @Test func linesSurviveAnySplit() throws {
        let body = Array("5\r\n{\"a\":\r\n4\r\n1}\n{\r\n7\r\n\"b\":2}\n\r\n0\r\n\r\n".utf8)
        for split in 1..<body.count {
            var decoder = ChunkedLineDecoder()
            var lines = try decoder.feed(body[..<split])
            lines += try decoder.feed(body[split...])
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":2}"#], "split at \(split)")
            #expect(decoder.finished)
        }
    }

    @Test func badChunkSizesAreRefused() {
        var decoder = ChunkedLineDecoder()
        #expect(throws: ControlClientError.self) { _ = try decoder.feed(Array("zz\r\n".utf8)) }
    }
}
