import NIOCore

extension ControlHandler {
    /// The request being read on a connection.
    enum Pending {
        case idle
        /// Reading the body of a request that will run.
        case reading(ControlRoute, keepAlive: Bool, body: ByteBuffer)
        /// A request without a body, refused by its head: answered at its end, which follows.
        case refusing(ControlReply, keepAlive: Bool)
        /// Already answered and closing: what is left of the request is not looked at.
        case answered

        /// Appends a chunk of the body being read, in place; refuses the request once the body
        /// would pass the route's limit (before buffering the chunk).
        ///
        /// The body is taken out of the enum before the write: a copy bound by pattern while
        /// `self` still held the buffer made every write copy the whole body so far (a 132 MiB
        /// bundle arriving in 64 KiB chunks moved about 130 GB: 200 s of a 100,000-delta import).
        mutating func appendBody(_ chunk: inout ByteBuffer, tooLarge: (Int) -> ControlReply) {
            guard case .reading(let route, let keepAlive, var body) = self else { return }
            self = .idle
            if body.readableBytes + chunk.readableBytes > route.maxBodyBytes {
                self = .refusing(tooLarge(route.maxBodyBytes), keepAlive: false)
                return
            }
            body.writeBuffer(&chunk)
            self = .reading(route, keepAlive: keepAlive, body: body)
        }
    }
}
