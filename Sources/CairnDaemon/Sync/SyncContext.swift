import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import Logging
import NIOPosix

/// What every sync connection shares: the site, the thread pool for store work, the limits,
/// the registry of connected peers, and the admission rules for a peer's Hello.
struct SyncContext: Sendable {
    let site: Site
    let threadPool: NIOThreadPool
    let limits: SyncLimits
    let registry: PeerRegistry
    let logger: Logger
    var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    var metrics: SiteMetrics { site.metrics }

    /// Our Hello: protocol 1, the federation, our charter version and our certificate.
    var hello: HelloFrame {
        HelloFrame(
            protocolVersion: 1, federationID: site.identity.charter.federationID,
            charterVersion: site.charter().version, certificate: site.identity.certificate.signed.serialized())
    }

    /// Why a peer's Hello is refused, with a stable code.
    struct Refusal: Error {
        let code: String
        let message: String
    }

    /// Admits a peer: its certificate must verify against our charter now (signed by its
    /// agency's root, unexpired, clearance within the ceiling), name the very TLS key the peer
    /// proved in the handshake, be of this federation, not be revoked, and not be our own.
    func admit(_ hello: HelloFrame, tlsKey: [UInt8]) -> Result<DeviceCertificate, Refusal> {
        guard hello.protocolVersion == 1 else {
            return .failure(Refusal(code: "protocol_version", message: "protocol version \(hello.protocolVersion) is not supported (1 is)"))
        }
        let charter = site.charter()
        guard hello.federationID == charter.federationID else {
            return .failure(Refusal(code: "foreign_federation", message: "the peer belongs to another federation"))
        }
        let certificate: DeviceCertificate
        do {
            let signed = try SignedObject.parse(bytes: hello.certificate, kind: .certificate)
            certificate = try DeviceCertificate.verify(signed, charter: charter, now: now())
        } catch TrustError.certificateExpired {
            return .failure(Refusal(code: "certificate_expired", message: "the peer's certificate has expired"))
        } catch {
            return .failure(Refusal(code: "certificate_invalid", message: "the peer's certificate does not verify: \(error)"))
        }
        guard ConstantTime.equals(certificate.tlsKey.bytes, tlsKey) else {
            return .failure(Refusal(code: "tls_key_mismatch", message: "the peer's TLS key is not the one its certificate names"))
        }
        if site.isWithdrawn(certificate) {
            return .failure(Refusal(code: "revoked", message: "the peer's certificate is revoked or withdrawn by the charter"))
        }
        guard certificate.deviceID != site.identity.deviceID else {
            return .failure(Refusal(code: "self", message: "this is our own device (a loop in the peer list, or a cloned identity)"))
        }
        return .success(certificate)
    }

    /// The lower of two levels.
    func lower(_ a: String, _ b: String) -> String {
        site.identity.levels.isAtOrBelow(a, b) ? a : b
    }

    /// The certificates a peer may be given: of devices cleared no higher than the peer, and of
    /// authors of streams at levels the peer may see (it needs them to verify those deltas).
    func certificates(for peer: DeviceCertificate, common: Set<String>) -> [DeviceCertificate] {
        let levels = site.identity.levels
        return site.state.withLock { state in
            let authors = Set(state.streams.keys.filter { common.contains($0.level) }.map(\.author))
            return state.devices.all
                .filter { $0.deviceID != peer.deviceID && (levels.isAtOrBelow($0.clearance, peer.clearance) || authors.contains($0.deviceID)) }
        }
    }
}
