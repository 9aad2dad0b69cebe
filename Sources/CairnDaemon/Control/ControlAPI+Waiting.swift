import CairnControl

extension ControlAPI {
    /// Routes that may wait for something other than the store (`POST /v1/sync` with `wait`
    /// waits for peers): they run as tasks, never on the thread pool, so that any number of
    /// waiting callers hold no thread.
    static func waits(_ route: ControlRoute) -> Bool {
        route == .sync
    }

    /// Runs a route for which `waits` is true; the caller's right has been checked.
    func handleWaiting(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials) async -> ControlReply {
        let reply: ControlReply
        do {
            switch route {
            case .sync:
                let request = try decode(SyncRequest.self, from: body)
                reply = .json(200, try await requireSync().syncNow(request))
            default:
                reply = .error(.internal, "route \(route.name) does not wait; it is served on the thread pool")
            }
        } catch {
            reply = failure(error, route: route, caller: caller, record: nil)
        }
        site.metrics.count("cairn_control_requests_total", [("route", route.name), ("status", String(reply.status))])
        return reply
    }
}
