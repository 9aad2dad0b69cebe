import Foundation

/// An incremental HTTP/1.1 response parser with hard limits, fed the bytes of one connection.
///
/// It is a plain value with no I/O so that framing (Content-Length, chunked, or close-delimited)
/// and the limits are tested without sockets. Limits are checked before anything is allocated
/// for the data they bound: a header block longer than `maxHeaderBytes` is refused as soon as
/// that many bytes arrive without its end, and a declared `Content-Length` or chunk size that
/// would take the body past `maxBodyBytes` is refused before reading it.
struct HTTPResponseParser {
    /// Headers may take at most 64 KiB, status line included.
    static let defaultMaxHeaderBytes = 64 * 1024
    /// A body may take at most 64 MiB.
    static let defaultMaxBodyBytes = 64 * 1024 * 1024

    private enum Framing {
        case length(Int)
        case chunked
        case untilClose
    }

    private enum ChunkState {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    private enum State {
        case head
        case body(Framing)
        case chunk(ChunkState)
        case complete
    }

    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    private var state: State = .head
    private var status = 0
    private var reason = ""
    private var headers: [(name: String, value: String)] = []
    private var body = Data()
    /// The response's framing ends it without the connection's close, and it did not ask for
    /// the close (`Connection: close`).
    private var framedWithoutClose = false

    init(maxHeaderBytes: Int = defaultMaxHeaderBytes, maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether a whole response has been read; the caller can stop reading.
    var isComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    /// Whether the connection may carry another request after this response (HTTP/1.1
    /// keep-alive): the response is complete, delimited by its length or chunks rather than by
    /// the close, did not say `Connection: close`, and nothing followed it.
    var connectionReusable: Bool { isComplete && framedWithoutClose && buffer.isEmpty }

    /// The response, once `isComplete`.
    var response: ControlResponse? {
        isComplete ? ControlResponse(status: status, reason: reason, headers: headers, body: body) : nil
    }

    /// Consumes the next bytes read from the connection.
    mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(ControlClientError) where Bytes.Element == UInt8 {
        if isComplete { return }
        buffer.append(contentsOf: bytes)
        try advance()
    }

    /// Tells the parser the peer closed the connection, and returns the response if that
    /// ends one (close-delimited body) or throws if the response was cut short.
    mutating func finish() throws(ControlClientError) -> ControlResponse {
        switch state {
        case .complete:
            break
        case .body(.untilClose):
            body.append(contentsOf: buffer)
            buffer.removeAll()
            state = .complete
        case .head:
            if buffer.isEmpty { throw .badResponse("the connection closed without a response") }
            throw .badResponse("the connection closed in the middle of the response headers")
        case .body(.length(let remaining)):
            throw .badResponse("the connection closed with \(remaining) body bytes still to come")
        case .body(.chunked), .chunk:
            throw .badResponse("the connection closed in the middle of a chunked body")
        }
        return ControlResponse(status: status, reason: reason, headers: headers, body: body)
    }

    private mutating func advance() throws(ControlClientError) {
        while true {
            switch state {
            case .head:
                guard let end = Self.find([13, 10, 13, 10], in: buffer) else {
                    if buffer.count > maxHeaderBytes {
                        throw .badResponse("response headers exceed \(maxHeaderBytes) bytes")
                    }
                    return
                }
                if end + 4 > maxHeaderBytes {
                    throw .badResponse("response headers exceed \(maxHeaderBytes) bytes")
                }
                let head = Array(buffer[..<end])
                buffer.removeFirst(end + 4)
                try parseHead(head)
            case .body(.length(let remaining)):
                let take = min(remaining, buffer.count)
                body.append(contentsOf: buffer[..<take])
                buffer.removeFirst(take)
                if remaining - take == 0 {
                    state = .complete
                } else {
                    state = .body(.length(remaining - take))
                    return
                }
            case .body(.untilClose):
                if body.count + buffer.count > maxBodyBytes {
                    throw .badResponse("response body exceeds \(maxBodyBytes) bytes")
                }
                body.append(contentsOf: buffer)
                buffer.removeAll()
                return
            case .body(.chunked):
                state = .chunk(.size)
            case .chunk(let chunkState):
                guard try advanceChunk(chunkState) else { return }
            case .complete:
                return
            }
        }
    }

    /// Advances the chunked decoder one step; returns false when it needs more bytes.
    private mutating func advanceChunk(_ chunkState: ChunkState) throws(ControlClientError) -> Bool {
        switch chunkState {
        case .size:
            guard let line = try takeLine(limit: 1024, what: "chunk size line") else { return false }
            let digits = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16), size >= 0 else {
                throw .badResponse("invalid chunk size \"\(line.prefix(40))\"")
            }
            if size > maxBodyBytes - body.count {
                throw .badResponse("response body exceeds \(maxBodyBytes) bytes")
            }
            state = .chunk(size == 0 ? .trailers : .data(remaining: size))
        case .data(let remaining):
            let take = min(remaining, buffer.count)
            guard take > 0 else { return false }
            body.append(contentsOf: buffer[..<take])
            buffer.removeFirst(take)
            state = .chunk(remaining == take ? .dataEnd : .data(remaining: remaining - take))
        case .dataEnd:
            guard buffer.count >= 2 else { return false }
            guard buffer[0] == 13, buffer[1] == 10 else { throw .badResponse("a chunk is not followed by CRLF") }
            buffer.removeFirst(2)
            state = .chunk(.size)
        case .trailers:
            guard let line = try takeLine(limit: maxHeaderBytes, what: "trailer") else { return false }
            if line.isEmpty { state = .complete }
        }
        return true
    }

    /// Removes and returns the next CRLF-terminated line, or nil if it has not all arrived.
    private mutating func takeLine(limit: Int, what: String) throws(ControlClientError) -> String? {
        guard let end = Self.find([13, 10], in: buffer) else {
            if buffer.count > limit { throw .badResponse("\(what) exceeds \(limit) bytes") }
            return nil
        }
        let line = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 2)
        return line
    }

    private mutating func parseHead(_ head: [UInt8]) throws(ControlClientError) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0]
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
            let code = Int(parts[1]), (100...599).contains(code)
        else {
            throw .badResponse("invalid status line \"\(statusLine.prefix(80))\"")
        }
        var parsed: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .badResponse("invalid header line \"\(line.prefix(80))\"")
            }
            let name = String(line[..<colon])
            guard !name.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw .badResponse("invalid header name \"\(name.prefix(80))\"")
            }
            parsed.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        // Interim 1xx responses (such as 100 Continue) precede the real one: skip them.
        if (100..<200).contains(code) {
            state = .head
            return
        }
        status = code
        reason = parts.count > 2 ? String(parts[2]) : ""
        headers = parsed
        let bodyFraming = try framing(for: code, headers: parsed)
        let closes = parsed.contains {
            $0.name.caseInsensitiveCompare("Connection") == .orderedSame
                && $0.value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "close" }
        }
        if case .untilClose = bodyFraming {
            framedWithoutClose = false
        } else {
            framedWithoutClose = !closes
        }
        if case .length(let length) = bodyFraming {
            body.reserveCapacity(length)  // within maxBodyBytes: checked by framing(for:headers:)
        }
        state = .body(bodyFraming)
    }

    private func framing(for code: Int, headers: [(name: String, value: String)]) throws(ControlClientError) -> Framing
    {
        func values(_ name: String) -> [String] {
            headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
        }
        if code == 204 || code == 304 { return .length(0) }
        let encodings = values("Transfer-Encoding").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !encodings.isEmpty {
            guard encodings.last == "chunked", encodings.allSatisfy({ $0 == "chunked" || $0 == "identity" }) else {
                throw .badResponse("unsupported Transfer-Encoding \"\(encodings.joined(separator: ", "))\"")
            }
            return .chunked
        }
        let lengths = Set(
            values("Content-Length").flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) })
        if lengths.isEmpty { return .untilClose }
        guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.count <= 18,
            text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let length = Int(text)
        else {
            throw .badResponse("invalid Content-Length \"\(lengths.sorted().joined(separator: ", "))\"")
        }
        if length > maxBodyBytes {
            throw .badResponse("response body of \(length) bytes exceeds \(maxBodyBytes) bytes")
        }
        return .length(length)
    }

    /// The offset of the first occurrence of `needle` in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
