import Synchronization

/// The connection a keep-alive `ControlClient` keeps between its calls.
///
/// A call takes the connection out (the lock is held only for that, never across I/O), sends its
/// request, and puts the connection back when the response left it reusable. A call that finds
/// none, or one the daemon has closed meanwhile (it closes connections idle past its timeout),
/// connects afresh; calls made at the same time each use their own connection.
///
/// A request is sent again on a fresh connection only when it could not be written to a kept
/// one (the daemon had closed it): the daemon then never read it, so a write is not applied
/// twice. Once the request is written, any failure is the caller's, as without keep-alive.
final class KeptConnection: Sendable {
    private let connection = Mutex<UnixSocketConnection?>(nil)

    func send(_ request: [UInt8], socketPath: String, timeout: Double) throws(ControlClientError) -> ControlResponse {
        if var reused = connection.withLock({ $0.take() }), reused.isIdle {
            reused.renewDeadline()
            var written = true
            do {
                try reused.writeAll(request)
            } catch {
                written = false
            }
            if written { return try finish(reused) }
        }
        let fresh = try UnixSocketConnection(path: socketPath, timeout: timeout)
        try fresh.writeAll(request)
        return try finish(fresh)
    }

    /// Reads the response of the request just written, and keeps the connection if it may
    /// carry another request.
    private func finish(_ open: consuming UnixSocketConnection) throws(ControlClientError) -> ControlResponse {
        let (response, reusable) = try ControlClient.readResponse(from: open)
        if reusable {
            var returned: UnixSocketConnection? = consume open
            connection.withLock { kept in
                // Another call may have kept its own meanwhile: one is enough, this one closes.
                if kept == nil { kept = returned.take() }
            }
        }
        return response
    }
}
