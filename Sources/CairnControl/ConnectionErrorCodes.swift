extension ControlErrorCode {
    /// The caller's uid, or all callers together, hold as many control connections as the
    /// daemon allows (`control.max_connections_per_uid`, `control.max_connections`). Sent
    /// before the connection is closed; closing other connections makes room.
    public static let tooManyConnections = ControlErrorCode("too_many_connections", httpStatus: 503)
    /// A request head or body did not arrive within its deadline; the connection is closed.
    public static let requestTimeout = ControlErrorCode("request_timeout", httpStatus: 408)

    /// Codes the control socket sends for a connection rather than for a route.
    public static let connectionCodes: [ControlErrorCode] = [.tooManyConnections, .requestTimeout]
}
