import CairnControl
import Foundation

@testable import CairnDaemon

extension ControlAPI {
    /// Serves `route` the way `ControlHandler` does: a waiting route as a task, any other on a
    /// thread of its own (the handler's thread pool), never on the cooperative pool.
    func serve(_ route: ControlRoute, body: [UInt8], caller: PeerCredentials) async -> ControlReply {
        if Self.waits(route) { return await handleWaiting(route, body: body, caller: caller) }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.handle(route, body: body, caller: caller)) }
        }
    }
}
