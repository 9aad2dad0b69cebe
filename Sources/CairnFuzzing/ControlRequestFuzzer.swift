import CairnControl
import CairnProtocol
import CairnTrust
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

#if DEBUG || CAIRN_FUZZING
// The route table is internal to the daemon; debug builds and the fuzz build (which passes
// `-enable-testing -DCAIRN_FUZZING`) can reach it. A release build of this library fuzzes the
// HTTP decoding and the bodies, with the route taken from the method alone.
@testable import CairnDaemon
#endif

/// The bytes of control-socket connections: NIOHTTP1's server pipeline configured as
/// `ControlServer` does (`configureHTTPServerPipeline(withErrorHandling: true)`), then what
/// `ControlHandler` does with each request short of touching a site: the route table
/// (`ControlRoute.resolve`), the body limit, and the decoding of the body the route takes
/// (the JSON documents, the base64 trust objects inside them, a bundle upload).
enum ControlRequestFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        let recorder = RequestRecorder()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(recorder)
            // A connected channel, as an accepted control connection is (the pipeline's
            // handlers only read while the channel is active).
            try channel.connect(to: SocketAddress(unixDomainSocketPath: "/cairn-fuzz/control.sock")).wait()
        } catch {
            preconditionFailure("the HTTP pipeline cannot be built: \(error)")
        }
        // Two reads, so a request split across reads is exercised as well.
        let half = data.count / 2
        for part in [data[..<half], data[half...]] where !part.isEmpty && channel.isActive {
            do {
                try channel.writeInbound(ByteBuffer(bytes: part))
            } catch {
                recorder.outcome.reject(error)
                break
            }
            // Responses are encoded into the outbound buffer; discard them.
            while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
        }
        return recorder.outcome
    }
}

/// Plays `ControlHandler`'s part for each request and answers it at once, so the pipelining
/// handler releases the next request on the same connection.
private final class RequestRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    var outcome = FuzzOutcome()
    private var current: (head: HTTPRequestHead, route: Route?, body: [UInt8], tooLarge: Bool)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let route: Route?
            do {
                route = try Route(method: head.method.rawValue, target: head.uri)
            } catch {
                outcome.reject(error)
                route = nil
            }
            var tooLarge = false
            if let route, let length = head.headers.first(name: "content-length").flatMap(Int.init), length > route.maxBodyBytes {
                tooLarge = true
            }
            current = (head, route, [], tooLarge)
        case .body(let chunk):
            guard var request = current, let route = request.route, !request.tooLarge else { return }
            if request.body.count + chunk.readableBytes > route.maxBodyBytes {
                request.tooLarge = true
            } else {
                request.body += chunk.readableBytesView
            }
            current = request
        case .end:
            guard let request = current else { return }
            current = nil
            if let route = request.route, !request.tooLarge {
                do {
                    try route.decodeBody(request.body)
                    outcome.accept()
                } catch {
                    outcome.reject(error)
                }
            }
            respond(context: context, keepAlive: request.head.isKeepAlive)
        }
    }

    private func respond(context: ChannelHandlerContext, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: "0")
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // As `ControlHandler`: a protocol error closes the connection.
        outcome.reject(error)
        context.close(promise: nil)
    }
}
