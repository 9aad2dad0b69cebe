import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import Logging
import NIOCore
import NIOPosix

/// What every sync connection shares: the site (as sync sees it), the thread pool for store
/// work, the limits, the registry of connected peers, and the admission rules for a peer's Hello.
struct SyncContext: Sendable {
    let site: any SyncSite
    let threadPool: NIOThreadPool
    let limits: SyncLimits
    let registry: PeerRegistry
    /// Audit entries from the event loops: one per event for admitted peers, aggregated for
    /// strangers.
    let auditor: Auditor
    let logger: Logger
    var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// How long the certificates of a protocol-2 opening may stay unsettled before this side
    /// sends them all (`PeerLink.settleCertificatesByFallback`): the dialler's session over
    /// certificates should have finished long before.
    var certificateSessionTimeout = TimeAmount.seconds(30)
    /// The port of this site's sync listener as configured, announced in our Hello (0: none).
    var listenPort: UInt16 = 0

    var metrics: SiteMetrics { site.metrics }

    /// Our Hello: protocol 1, the federation, our charter version, our certificate and the port
    /// we listen on.
    var hello: HelloFrame {
        HelloFrame(
            protocolVersion: 1, federationID: site.federationID,
            charterVersion: site.charter().version, certificate: site.certificate.signed.serialized(), listenPort: listenPort)
    }

    /// Why a peer's Hello is refused: a stable code, the detail for this site's audit log, and
    /// what the peer is told.
    struct Refusal: Error, Equatable {
        let code: String
        let message: String
        /// The `Goodbye` text: `strangerGoodbye` unless the dialler proved to be a device this
        /// federation certified, which may learn why (it can find out anyway).
        let answer: String

        /// A refusal of a dialler this federation never certified (or that did not prove it is).
        static func stranger(_ code: String, _ message: String) -> Refusal {
            Refusal(code: code, message: message, answer: SyncContext.strangerGoodbye)
        }

        /// A refusal of a device this federation certified, which proved its TLS key.
        static func told(_ code: String, _ message: String) -> Refusal {
            Refusal(code: code, message: message, answer: message)
        }
    }

    /// The one `Goodbye` text for everyone not admitted whom this federation never certified,
    /// whatever the reason (another federation, an unknown key, garbage, a bad certificate, a
    /// TLS key mismatch, a Hello too late): a different text per reason would be an oracle for
    /// probing the site. The reason is in this site's audit log.
    static let strangerGoodbye = "not admitted; the operator of this site can see why in its audit log"

    /// Admits a peer: its certificate must verify against our charter (signed by its agency's
    /// root, clearance within the ceiling), be of this federation, name the very TLS key the
    /// peer proved in the handshake, be valid now, not be revoked, and not be our own.
    ///
    /// The order decides what the dialler is told: until it has shown a certificate of this
    /// federation for the TLS key it proved, every refusal is `strangerGoodbye`; after that, it
    /// is a device this federation certified and is told which check failed.
    func admit(_ hello: HelloFrame, tlsKey: [UInt8]) -> Result<DeviceCertificate, Refusal> {
        let charter = site.charter()
        guard hello.federationID == charter.federationID else {
            return .failure(.stranger("foreign_federation", "the peer belongs to another federation"))
        }
        let certificate: DeviceCertificate
        do {
            let signed = try SignedObject.parse(bytes: hello.certificate, kind: .certificate)
            certificate = try DeviceCertificate.verifyIgnoringTime(signed, charter: charter)
        } catch {
            return .failure(.stranger("certificate_invalid", "the peer's certificate does not verify: \(error)"))
        }
        guard ConstantTime.equals(certificate.tlsKey.bytes, tlsKey) else {
            return .failure(.stranger("tls_key_mismatch", "the peer's TLS key is not the one its certificate names"))
        }
        guard hello.protocolVersion == 1 else {
            return .failure(.told("protocol_version", "protocol version \(hello.protocolVersion) is not supported (1 is)"))
        }
        let now = now()
        guard now >= certificate.notBefore else {
            return .failure(.told("certificate_not_yet_valid", "the peer's certificate is not valid yet"))
        }
        guard now < certificate.notAfter else {
            return .failure(.told("certificate_expired", "the peer's certificate has expired"))
        }
        if site.isWithdrawn(certificate) {
            return .failure(.told("revoked", "the peer's certificate is revoked or withdrawn by the charter"))
        }
        guard certificate.deviceID != site.deviceID else {
            return .failure(.told("self", "this is our own device (a loop in the peer list, or a cloned identity)"))
        }
        return .success(certificate)
    }

    /// The lower of two levels.
    func lower(_ a: String, _ b: String) -> String {
        site.levels.isAtOrBelow(a, b) ? a : b
    }
}
