import NIOCore

/// The deadlines of one control connection, as a plain state machine: events in, actions out,
/// no channel (tested on its own; `ControlConnectionHandler` runs it on the channel's loop).
///
/// A request head must be complete within the header timeout of the connection's start or of
/// its first byte after a keep-alive pause; a body within max(floor, length / minimum rate);
/// a keep-alive pause lasts at most the idle timeout, and so does the reading of a finished
/// response by the client. While a route runs, and on a change stream (`GET /v1/watch`, which
/// is long-lived by design), no deadline applies.
struct ControlConnectionStateMachine {
    struct Timing: Equatable {
        var header: TimeAmount
        var bodyFloor: TimeAmount
        var bodyMinBytesPerSecond: Int
        var idle: TimeAmount

        init(_ limits: ControlLimits) {
            header = .seconds(Int64(limits.headerTimeoutSeconds))
            bodyFloor = .seconds(Int64(limits.bodyTimeoutSeconds))
            bodyMinBytesPerSecond = limits.bodyMinBytesPerSecond
            idle = .seconds(Int64(limits.idleTimeoutSeconds))
        }

        /// The time a body of `bytes` is given: never less than the floor.
        func body(bytes: Int) -> TimeAmount {
            let proportional = Int64(Double(max(0, bytes)) / Double(bodyMinBytesPerSecond) * 1e9)
            return .nanoseconds(max(bodyFloor.nanoseconds, proportional))
        }
    }

    enum Phase: Equatable {
        /// Reads are held until the caller is admitted and its right is known.
        case identifying
        /// Between requests of a keep-alive connection: waiting for a first byte.
        case idle(until: NIODeadline)
        case readingHead(until: NIODeadline)
        case readingBody(until: NIODeadline)
        /// The route runs; the daemon's own work has no deadline here.
        case responding
        /// The response is handed over and the connection closes once it is sent; a client that
        /// does not read it loses it.
        case draining(until: NIODeadline)
        /// A change stream: never cut by these deadlines.
        case longLived
        case closed

        var deadline: NIODeadline? {
            switch self {
            case .idle(let until), .readingHead(let until), .readingBody(let until), .draining(let until): return until
            case .identifying, .responding, .longLived, .closed: return nil
            }
        }
    }

    /// Why a connection was closed by its deadline (a metric label and an audit reason).
    enum Expiry: String, Equatable {
        case headerTimeout = "header_timeout"
        case bodyTimeout = "body_timeout"
        case idleTimeout = "idle_timeout"
        case sendTimeout = "send_timeout"
    }

    enum Action: Equatable {
        case none
        /// (Re)schedule the one timer of the connection at this deadline.
        case arm(NIODeadline)
        case disarm
        /// Close the connection; answer `408 request_timeout` first when a request was in
        /// progress and nothing of a response was written yet.
        case close(Expiry, answer408: Bool)
    }

    let timing: Timing
    private(set) var phase = Phase.identifying
    /// Bytes of the request now being read have arrived.
    private var requestStarted = false
    /// Bytes of a response to the current request were written.
    private var responseStarted = false
    /// Bytes of a next request arrived while the current one was answered (pipelining).
    private var pipelined = false

    init(timing: Timing) {
        self.timing = timing
    }

    /// The caller is admitted: the first request's head is due a header timeout from now.
    mutating func identified(now: NIODeadline) -> Action {
        guard case .identifying = phase else { return .none }
        return enter(.readingHead(until: now + timing.header))
    }

    mutating func bytesReceived(now: NIODeadline) -> Action {
        switch phase {
        case .idle:
            requestStarted = true
            return enter(.readingHead(until: now + timing.header))
        case .readingHead:
            requestStarted = true
            return .none
        case .responding, .draining:
            pipelined = true
            return .none
        case .identifying, .readingBody, .longLived, .closed:
            return .none
        }
    }

    /// A complete head announcing `bodyBytes` (its Content-Length, or the route's limit for a
    /// chunked body).
    mutating func requestHead(bodyBytes: Int, now: NIODeadline) -> Action {
        switch phase {
        case .idle, .readingHead:
            requestStarted = true
            return enter(.readingBody(until: now + timing.body(bytes: bodyBytes)))
        default:
            return .none
        }
    }

    mutating func requestEnd() -> Action {
        switch phase {
        case .readingHead, .readingBody: return enter(.responding)
        default: return .none
        }
    }

    mutating func responseBytesWritten() {
        responseStarted = true
    }

    /// The whole response is handed to the channel; `keepAlive` says whether another request
    /// may follow on this connection.
    mutating func responseEnd(keepAlive: Bool, now: NIODeadline) -> Action {
        switch phase {
        case .longLived, .closed, .identifying: return .none
        default: break
        }
        responseStarted = false
        requestStarted = false
        defer { pipelined = false }
        guard keepAlive else { return enter(.draining(until: now + timing.idle)) }
        if pipelined {
            requestStarted = true
            return enter(.readingHead(until: now + timing.header))
        }
        return enter(.idle(until: now + timing.idle))
    }

    /// The connection became a change stream.
    mutating func longLived() -> Action {
        guard phase != .closed else { return .none }
        return enter(.longLived)
    }

    /// The timer fired. A deadline moved since it was armed is armed again instead.
    mutating func deadlinePassed(now: NIODeadline) -> Action {
        guard let deadline = phase.deadline else { return .none }
        guard now >= deadline else { return .arm(deadline) }
        let action: Action
        switch phase {
        case .readingHead: action = .close(.headerTimeout, answer408: requestStarted && !responseStarted)
        case .readingBody: action = .close(.bodyTimeout, answer408: !responseStarted)
        case .idle: action = .close(.idleTimeout, answer408: false)
        default: action = .close(.sendTimeout, answer408: false)
        }
        phase = .closed
        return action
    }

    mutating func closed() -> Action {
        phase = .closed
        return .disarm
    }

    private mutating func enter(_ next: Phase) -> Action {
        phase = next
        if let deadline = next.deadline { return .arm(deadline) }
        return .disarm
    }
}
