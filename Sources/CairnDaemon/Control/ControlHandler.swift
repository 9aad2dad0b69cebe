import CairnControl
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One control connection: collects a request (refusing oversize bodies before buffering them),
/// checks the caller's right, runs the route on the thread pool, and writes the reply. The
/// decisions live in `ControlRoute`, `Authorizer` and `ControlAPI`; this handler only moves bytes.
final class ControlHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    enum Pending {
        case idle
        /// Reading the body of a request that will run.
        case reading(ControlRoute, keepAlive: Bool, body: ByteBuffer)
        /// Draining the body of a request that was already refused.
        case refusing(ControlReply, keepAlive: Bool)

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

    private let api: ControlAPI
    private let authorizer: Authorizer
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private var peer: PeerCredentials?
    /// The change-stream subscription of this connection, if it is watching.
    private var watchID: UInt64?
    private var pending = Pending.idle

    init(api: ControlAPI, authorizer: Authorizer, threadPool: NIOThreadPool, logger: Logger) {
        self.api = api
        self.authorizer = authorizer
        self.threadPool = threadPool
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        // On the channel's own loop the option is read at once, so the callback runs before any
        // request is read; a failure leaves `peer` nil and every request is refused.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let logger = self.logger
        PeerCredentialReader.read(context.channel).whenComplete { result in
            switch result {
            case .success(let credentials): bound.value.peer = credentials
            case .failure(let error): logger.warning("control.no_peer_credentials", metadata: .error(error))
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending = start(head, eventLoop: context.eventLoop)
        case .body(var chunk):
            pending.appendBody(&chunk, tooLarge: tooLarge)
        case .end:
            let current = pending
            pending = .idle
            switch current {
            case .idle: return
            case .refusing(let reply, let keepAlive): write(reply, keepAlive: keepAlive, context: context)
            case .reading(.watch, _, _): startWatch(context: context)
            case .reading(let route, _, var body) where route.streamsProgress:
                runStreaming(route, body: body.readBytes(length: body.readableBytes) ?? [], context: context)
            case .reading(let route, let keepAlive, var body): run(route, body: body.readBytes(length: body.readableBytes) ?? [], keepAlive: keepAlive, context: context)
            }
        }
    }

    private func start(_ head: HTTPRequestHead, eventLoop: any EventLoop) -> Pending {
        let keepAlive = head.isKeepAlive
        guard let peer else { return .refusing(.error(.forbidden, "the caller's identity could not be established"), keepAlive: false) }
        let route: ControlRoute
        do {
            route = try ControlRoute.resolve(method: head.method.rawValue, target: head.uri)
        } catch DaemonError.request(let code, let message) {
            return .refusing(.error(code, message), keepAlive: keepAlive)
        } catch {
            return .refusing(.error(.badRequest, "\(error)"), keepAlive: keepAlive)
        }
        let right = authorizer.right(of: peer, groups: peer.supplementaryGroups)
        guard right >= route.requiredRight else {
            logger.warning(
                "control.forbidden",
                metadata: ["caller.uid": "\(peer.uid)", "caller.gid": "\(peer.gid)", "request.route": "\(route.name)"])
            let site = api.site
            site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", "403")])
            let detail = ["route": route.name, "gid": "\(peer.gid)"]
            // Audited off the event loop; the refusal does not wait for it.
            let peerUID = peer.uid
            _ = threadPool.runIfActive(eventLoop: eventLoop) {
                try site.audit("control.forbidden", actor: "uid:\(peerUID)", detail: detail)
            }
            let needed = route.requiredRight == .write ? "write" : "read"
            return .refusing(
                .error(.forbidden, "uid \(peer.uid) may not \(needed) through this socket; ask the site admin to add it to control.\(needed)_uids or control.\(needed)_gids"),
                keepAlive: keepAlive)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > route.maxBodyBytes {
            return .refusing(tooLarge(route.maxBodyBytes), keepAlive: false)
        }
        return .reading(route, keepAlive: keepAlive, body: ByteBuffer())
    }

    private func tooLarge(_ limit: Int = ControlAPI.maxRequestBodyBytes) -> ControlReply {
        .error(.payloadTooLarge, "the request body exceeds \(limit) bytes")
    }

    private func run(_ route: ControlRoute, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        let api = self.api
        let caller = peer!
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        threadPool.runIfActive(eventLoop: context.eventLoop) {
            api.handle(route, body: body, caller: caller)
        }.whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let reply): handler.write(reply, keepAlive: keepAlive, context: context)
            case .failure: handler.write(.error(.unavailable, "the daemon is shutting down"), keepAlive: false, context: context)
            }
        }
    }

    private func write(_ reply: ControlReply, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: reply.contentType)
        headers.add(name: "content-length", value: String(reply.body.count))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
        let done = context.writeAndFlushPromise()
        if !keepAlive {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    /// Runs a route that reports progress (a bundle import): a chunked NDJSON response whose
    /// lines are written as the work emits them, ending with its result or error line.
    private func runStreaming(_ route: ControlRoute, body: [UInt8], context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-ndjson")
        headers.add(name: "transfer-encoding", value: "chunked")
        headers.add(name: "connection", value: "close")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        let api = self.api
        let caller = peer!
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        threadPool.runIfActive(eventLoop: loop) {
            api.streamBundle(route, body: body, caller: caller) { line in
                loop.execute {
                    let (handler, context) = bound.value
                    context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: line)))), promise: nil)
                }
            }
        }.whenComplete { result in
            let (handler, context) = bound.value
            if case .success(let last) = result {
                context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: last)))), promise: nil)
            }
            context.writeAndFlushPromise().futureResult.whenComplete { _ in bound.value.1.close(promise: nil) }
        }
    }

    /// Turns this connection into a change stream: a chunked response with one JSON line per
    /// committed change. A watcher that does not read (the channel stops being writable) is
    /// disconnected rather than buffered without bound; it can reconnect.
    private func startWatch(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-ndjson")
        headers.add(name: "transfer-encoding", value: "chunked")
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        let site = api.site
        site.metrics.count("cairn_control_requests_total", [("route", "watch"), ("status", "200")])
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let channel = context.channel
        let logger = self.logger
        watchID = site.changes.subscribe { line in
            loop.execute {
                let (handler, context) = bound.value
                guard channel.isActive, handler.watchID != nil else { return }
                guard channel.isWritable else {
                    logger.notice("control.watch_slow_consumer_dropped")
                    handler.stopWatching(site)
                    context.close(promise: nil)
                    return
                }
                context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: line)))), promise: nil)
            }
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{\"event\":\"watching\"}\n")))), promise: nil)
    }

    private func stopWatching(_ site: Site) {
        if let id = watchID { site.changes.unsubscribe(id) }
        watchID = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching(api.site)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.notice("control.connection_error", metadata: .error(error))
        context.close(promise: nil)
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise() -> EventLoopPromise<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: promise)
        return promise
    }
}

/// Reads SO_PEERCRED from a Unix-socket channel.
enum PeerCredentialReader {
    static func read(_ channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(DaemonError.startup("the control channel is not a socket"))
        }
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
    }
}
