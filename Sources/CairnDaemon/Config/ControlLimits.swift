/// Budgets of the control socket (`[control]` keys; see Docs/Configuration.md and the
/// "Local callers" section of Docs/ThreatModel.md). A local process that may connect must not be
/// able to hold the daemon's descriptors, its event loop or its admin's access.
public struct ControlLimits: Sendable, Equatable {
    /// Seconds from accept (or from the first byte after a keep-alive pause) to a complete
    /// request head.
    public var headerTimeoutSeconds = 10
    /// The least time a request body is given, whatever its length.
    public var bodyTimeoutSeconds = 10
    /// The slowest upload accepted: a body of N bytes is given max(floor, N / rate) seconds.
    public var bodyMinBytesPerSecond = 1_048_576
    /// Seconds a keep-alive connection may wait for its next request (or a client may take to
    /// read a finished response) before it is closed.
    public var idleTimeoutSeconds = 30
    /// Control connections open at once, all callers together (lowered at start to fit the
    /// open-file limit; see `ControlLimits.fitted(toOpenFileLimit:)`).
    public var maxConnections = 1024
    /// Control connections open at once from one uid.
    public var maxConnectionsPerUID = 64
    /// Connections that root and the daemon's own uid may open beyond both caps, so that an
    /// admin can run `cairn status` while another uid floods the socket.
    public var adminReserve = 16

    public init() {}

    /// Descriptors kept out of the control socket's reach: the store (SQLite and its readers),
    /// the sync listener with its handshakes and peer connections, the event loop and logs.
    /// Half of the limit, and never fewer than 256.
    static func descriptorsKeptBack(openFileLimit: Int) -> Int {
        max(256, openFileLimit / 2)
    }

    /// These limits with `maxConnections` (and the per-uid cap under it) lowered so that the
    /// control socket, admin reserve included, never uses more than what the open-file limit
    /// leaves after `descriptorsKeptBack`. At least one connection stays possible.
    func fitted(toOpenFileLimit limit: Int) -> ControlLimits {
        var fitted = self
        let room = limit - Self.descriptorsKeptBack(openFileLimit: limit) - adminReserve
        fitted.maxConnections = max(1, min(maxConnections, room))
        fitted.maxConnectionsPerUID = min(maxConnectionsPerUID, fitted.maxConnections)
        return fitted
    }
}
