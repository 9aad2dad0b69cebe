/// How a stream of JSON lines ended.
enum LineStreamEnd {
    /// The line handler asked to stop.
    case stopped
    /// The daemon ended the chunked body.
    case finished
    /// The daemon closed the connection.
    case closed
}

extension ControlClient {
    /// Reads a streamed response (chunked JSON lines, as `GET /v1/watch` and a bundle import
    /// with progress send): an error status is read whole and thrown as the daemon's refusal;
    /// after a 200, `onLine` gets each non-empty line until it returns false or the stream ends.
    static func readLines(
        from connection: borrowing UnixSocketConnection, _ onLine: ([UInt8]) throws(ControlClientError) -> Bool
    ) throws(ControlClientError) -> LineStreamEnd {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var head: [UInt8] = []
        var decoder = ChunkedLineDecoder()
        var streaming = false
        while true {
            let count = try connection.read(into: &buffer)
            if count == 0 { return .closed }
            var bytes = buffer[..<count]
            if !streaming {
                head.append(contentsOf: bytes)
                guard let end = endOfHead(head) else {
                    if head.count > 64 * 1024 { throw .badResponse("response head too large") }
                    continue
                }
                guard String(decoding: head.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 200") else {
                    // An error document: read the rest through the ordinary parser.
                    var parser = HTTPResponseParser()
                    try parser.feed(head[...])
                    while !parser.isComplete {
                        let more = try connection.read(into: &buffer)
                        if more == 0 { break }
                        try parser.feed(buffer[..<more])
                    }
                    throw try parser.finish().refusal()
                }
                bytes = head[end...][...]
                streaming = true
            }
            for line in try decoder.feed(bytes) where !line.isEmpty {
                if try !onLine(line) { return .stopped }
            }
            if decoder.finished { return .finished }
        }
    }

    /// Where the head of an HTTP response ends (after CRLF CRLF), if it has.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
