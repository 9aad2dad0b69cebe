import CairnControl
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One control connection's requests: collects each (refusing a forbidden or oversize one as
/// soon as its head is read, before any of its body), runs the route on the thread pool, and
/// writes the reply. The caller and its right come from `ControlConnectionHandler` below,
/// which also owns the connection's deadlines; the decisions live in `ControlRoute`,
/// `Authorizer` and `ControlAPI`. This handler only moves bytes.
final class ControlHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: ControlAPI
    private let gate: ControlGate
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private var caller: ControlCaller?
    /// The change-stream subscription of this connection, if it is watching.
    private var watchID: UInt64?
    private var pending = Pending.idle
    /// The task of a waiting route (`ControlAPI.waits`) in progress: cancelled if the caller
    /// hangs up, so that an abandoned `cairn sync --wait` stops waiting.
    private var waiting: Task<Void, Never>?
    /// The request being read asked for the minimal reply to a write (`Prefer: return=minimal`).
    private var minimal = false

    init(api: ControlAPI, gate: ControlGate, threadPool: NIOThreadPool, logger: Logger) {
        self.api = api
        self.gate = gate
        self.threadPool = threadPool
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let caller = event as? ControlCaller else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.caller = caller
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending = start(head, context: context)
        case .body(var chunk):
            pending.appendBody(&chunk, tooLarge: tooLarge)
            if case .refusing(let reply, _) = pending { answerAndClose(reply, context: context) }
        case .end:
            let current = pending
            pending = .idle
            if case .answered = current { return }
            context.triggerUserOutboundEvent(ControlRequestEvent.end, promise: nil)
            switch current {
            case .idle, .answered: return
            case .refusing(let reply, let keepAlive): write(reply, keepAlive: keepAlive, context: context)
            case .reading(.watch(let level), let keepAlive, _):
                // A level is checked before the stream starts, as a listing's is: one above
                // the clearance is refused at once rather than watched in silence for ever.
                if let refusal = api.watchRefusal(level: level, caller: caller!.peer) {
                    write(refusal, keepAlive: keepAlive, context: context)
                } else {
                    startWatch(level: level, context: context)
                }
            case .reading(let route, _, var body) where route.streamsProgress:
                runStreaming(route, body: body.readBytes(length: body.readableBytes) ?? [], context: context)
            case .reading(let route, let keepAlive, var body): run(route, body: body.readBytes(length: body.readableBytes) ?? [], keepAlive: keepAlive, context: context)
            }
        }
    }

    /// Decides a request from its head: read its body, or refuse it. A refusal of a request
    /// that announces a body is written at once and the connection closed, so neither a caller
    /// without the right nor an oversize upload is read any further.
    private func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> Pending {
        let keepAlive = head.isKeepAlive
        minimal = head.headers[canonicalForm: "prefer"].contains { $0.lowercased() == "return=minimal" }
        let length = head.headers.first(name: "content-length").flatMap(Int.init)
        let chunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        let route = Result { try ControlRoute.resolve(method: head.method.rawValue, target: head.uri) }
        let limit = (try? route.get())?.maxBodyBytes ?? ControlAPI.maxRequestBodyBytes
        context.triggerUserOutboundEvent(ControlRequestEvent.head(bodyBytes: length ?? (chunked ? limit : 0)), promise: nil)
        let refuse = { (reply: ControlReply) -> Pending in
            guard (length ?? 0) > 0 || chunked else { return .refusing(reply, keepAlive: keepAlive) }
            self.answerAndClose(reply, context: context)
            return .answered
        }
        guard let caller else { return refuse(.error(.forbidden, "the caller's identity could not be established")) }
        let resolved: ControlRoute
        switch route {
        case .success(let found): resolved = found
        case .failure(let error):
            if let (code, message) = controlRefusal(of: error) { return refuse(.error(code, message)) }
            return refuse(.error(.badRequest, "\(error)"))
        }
        guard caller.right >= resolved.requiredRight else {
            api.site.metrics.count("cairn_control_requests_total", [("route", resolved.name), ("status", "403")])
            gate.refused(
                kind: "control.forbidden", uid: caller.peer.uid, reason: resolved.name,
                detail: ["route": resolved.name, "gid": "\(caller.peer.gid)"])
            let needed = resolved.requiredRight == .write ? "write" : "read"
            return refuse(
                .error(.forbidden, "uid \(caller.peer.uid) may not \(needed) through this socket; ask the site admin to add it to control.\(needed)_uids or control.\(needed)_gids"))
        }
        if let length, length > resolved.maxBodyBytes {
            answerAndClose(tooLarge(resolved.maxBodyBytes), context: context)
            return .answered
        }
        return .reading(resolved, keepAlive: keepAlive, body: ByteBuffer())
    }

    private func answerAndClose(_ reply: ControlReply, context: ChannelHandlerContext) {
        pending = .answered
        write(reply, keepAlive: false, context: context)
    }

    private func tooLarge(_ limit: Int = ControlAPI.maxRequestBodyBytes) -> ControlReply {
        .error(.payloadTooLarge, "the request body exceeds \(limit) bytes")
    }

    /// Runs a route on the thread pool (it calls the store), or as a task if it waits for
    /// something else (`ControlAPI.waits`: a pool thread would be parked for the whole wait);
    /// either way the reply comes back to this loop through a future.
    private func run(_ route: ControlRoute, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        let api = self.api
        let caller = self.caller!.peer
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let minimal = self.minimal
        let reply: EventLoopFuture<ControlReply>
        if ControlAPI.waits(route) {
            let promise = context.eventLoop.makePromise(of: ControlReply.self)
            waiting = promise.completeWithTask { await api.handleWaiting(route, body: body, caller: caller, minimal: minimal) }
            reply = promise.futureResult
        } else {
            reply = threadPool.runIfActive(eventLoop: context.eventLoop) { api.handle(route, body: body, caller: caller) }
        }
        reply.whenComplete { result in
            let (handler, context) = bound.value
            handler.waiting = nil
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
        context.triggerUserOutboundEvent(ControlRequestEvent.responseEnd(keepAlive: keepAlive), promise: nil)
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
        let caller = self.caller!.peer
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
            context.triggerUserOutboundEvent(ControlRequestEvent.responseEnd(keepAlive: false), promise: nil)
        }
    }

    /// Turns this connection into a change stream: a chunked response with one JSON line per
    /// committed change. A watcher that does not read (the channel stops being writable) is
    /// disconnected rather than buffered without bound; it can reconnect. With `level`, only
    /// the changes of records at that level are written.
    private func startWatch(level: String?, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-ndjson")
        headers.add(name: "transfer-encoding", value: "chunked")
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.triggerUserOutboundEvent(ControlRequestEvent.longLived, promise: nil)
        let site = api.site
        site.metrics.count("cairn_control_requests_total", [("route", "watch"), ("status", "200")])
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let channel = context.channel
        let logger = self.logger
        let identity = site.identity
        watchID = site.feeds.changes.subscribe { committed in
            // Encoded here, on the ledger's queue after the group's callers have their results,
            // so that the event loop only writes.
            let line = WatchLines.encode(committed, identity: identity, level: level)
            guard !line.isEmpty else { return }
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
        if let id = watchID { site.feeds.changes.unsubscribe(id) }
        watchID = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching(api.site)
        waiting?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A request cut by its deadline (or by the client) ends the HTTP decoder's stream
        // mid-request once the channel is closed: counted already, not worth a line each.
        let level: Logger.Level = context.channel.isActive ? .notice : .debug
        logger.log(level: level, "control.connection_error", metadata: .error(error))
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
