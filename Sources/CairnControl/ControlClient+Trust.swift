import Foundation

extension ControlClient {
    /// `GET /v1/devices`: every device the site knows, with what withdrew it, if anything.
    public func devices() throws(ControlClientError) -> [DeviceDocument] {
        try call([DeviceDocument].self, method: "GET", path: "/v1/devices").0
    }

    /// `POST /v1/revocations`: gives the site a signed revocation; it verifies it, rotates the
    /// keys the device held, and passes it on to its peers.
    public func revoke(_ request: SignedObjectRequest) throws(ControlClientError) -> RevocationResultDocument {
        try call(RevocationResultDocument.self, method: "POST", path: "/v1/revocations", body: try trustBody(request)).0
    }

    /// `POST /v1/charter`: gives the site the next charter version.
    public func amendCharter(_ request: SignedObjectRequest) throws(ControlClientError) -> CharterResultDocument {
        try call(CharterResultDocument.self, method: "POST", path: "/v1/charter", body: try trustBody(request)).0
    }

    /// `GET /v1/keys`: levels, epochs, and which devices hold which.
    public func keys() throws(ControlClientError) -> KeysDocument {
        try call(KeysDocument.self, method: "GET", path: "/v1/keys").0
    }

    private func trustBody(_ value: some Encodable) throws(ControlClientError) -> Data {
        do {
            return try ControlJSON.compactEncoder().encode(value)
        } catch {
            throw .invalidRequest("the request could not be encoded: \(error)")
        }
    }
}
