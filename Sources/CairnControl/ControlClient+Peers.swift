import Foundation

extension ControlClient {
    /// `GET /v1/peers`: the listen address and every peer.
    public func peers() throws(ControlClientError) -> SyncStatusDocument {
        try call(SyncStatusDocument.self, method: "GET", path: "/v1/peers").0
    }

    /// `POST /v1/peers`: adds (or re-addresses) a peer; the daemon dials it at once.
    public func addPeer(_ request: AddPeerRequest) throws(ControlClientError) -> PeerDocument {
        try call(PeerDocument.self, method: "POST", path: "/v1/peers", body: try encode(request)).0
    }

    /// `DELETE /v1/peers/{name}`: forgets a peer added with `addPeer` and closes its connection.
    public func removePeer(named name: String) throws(ControlClientError) {
        _ = try call([String: String].self, method: "DELETE", path: "/v1/peers/" + ControlPath.encode(name))
    }

    /// `POST /v1/sync`: starts a round now; with `wait`, returns what moved once it is done.
    public func sync(_ request: SyncRequest) throws(ControlClientError) -> SyncResultDocument {
        try call(SyncResultDocument.self, method: "POST", path: "/v1/sync", body: try encode(request)).0
    }

    private func encode(_ value: some Encodable) throws(ControlClientError) -> Data {
        do {
            return try ControlJSON.compactEncoder().encode(value)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
    }
}
