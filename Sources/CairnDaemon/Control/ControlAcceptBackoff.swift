import Foundation
import Logging
import NIOCore

/// What the control listener does when `accept` fails. NIO's server channel stays open on the
/// recoverable errors (EMFILE, ENFILE, ENOBUFS, ENOMEM, ECONNABORTED) and reads again at once:
/// with a pending connection that cannot be accepted, that is a loop spinning on one core. NIO's
/// `AcceptBackoffHandler` pauses the reads instead; this says for how long.
enum ControlAcceptBackoff {
    /// Out of descriptors or memory: wait before the next accept (the caps keep the control
    /// socket below the open-file limit, so this means something else holds them). A client
    /// that gave up before its accept needs no pause.
    static func delay(after error: IOError) -> TimeAmount? {
        error.errnoCode == ECONNABORTED ? nil : .milliseconds(250)
    }

    static func handler() -> AcceptBackoffHandler {
        AcceptBackoffHandler(shouldForwardIOErrorCaught: true, backoffProvider: delay(after:))
    }
}

/// Counts failed accepts by errno and logs them at most once a minute, then keeps the error
/// from closing the listener.
final class ControlAcceptErrorCounter: ChannelInboundHandler {
    typealias InboundIn = Channel

    private let metrics: SiteMetrics
    private let logger: Logger
    private var lastLog: NIODeadline?

    init(metrics: SiteMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let error = error as? IOError else {
            context.fireErrorCaught(error)
            return
        }
        let name = Self.name(of: error.errnoCode)
        metrics.count("cairn_control_accept_errors_total", [("error", name)])
        let now = context.eventLoop.now
        if lastLog.map({ now - $0 >= .seconds(60) }) ?? true {
            lastLog = now
            logger.error("control.accept_failed", metadata: .error(error, ["accept.errno": "\(name)"]))
        }
    }

    static func name(of code: Int32) -> String {
        switch code {
        case EMFILE: return "emfile"
        case ENFILE: return "enfile"
        case ENOBUFS: return "enobufs"
        case ENOMEM: return "enomem"
        case ECONNABORTED: return "econnaborted"
        default: return "errno_\(code)"
        }
    }
}
