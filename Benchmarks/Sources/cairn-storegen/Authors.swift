import CairnCrypto
import CairnModel
import CairnTrust
import Foundation

@testable import CairnDaemon

/// Extra authoring devices for stores with many streams: certified by the lab's agency key like
/// `cairn lab create` certifies its devices, and written as by their own sites.
enum Authors {
    struct Author {
        let keys: DeviceSecretKeys
        let certificate: DeviceCertificate
    }

    static func certify(count: Int, agencyKey: AgencyRootKey, charter: Charter, clearance: String) throws -> [Author] {
        let now = Int64(Date().timeIntervalSince1970)
        return try (1...count).map { n in
            let keys = DeviceSecretKeys.generate()
            let request = try CertificationRequest.verify(
                CertificationRequest.create(
                    keys: keys, agency: agencyKey.name, device: try DeviceName(String(format: "gen-%05d", n)), createdAt: now))
            let signed = try DeviceCertificate.issue(
                request: request, agencyKey: agencyKey, charter: charter, clearance: clearance, notBefore: now - 300,
                notAfter: now + 365 * 86_400)
            return Author(keys: keys, certificate: try DeviceCertificate.verify(signed, charter: charter, now: now))
        }
    }

    /// The store's record-key secret (as `SiteLoader` opens it), so every author's records land
    /// under the keys the site itself will look them up by.
    static func indexKey(of site: Site) throws -> SecureBytes {
        guard let sealed = try site.database.meta(MetaKey.indexKey) else {
            throw StoreGenError("the store has no index key")
        }
        return try SealedBox.open(sealed, with: site.identity.keys.wrapping)
    }

    /// A site writing as `author` over `previous`'s store. The audit log is the store's, so its
    /// anchor file and the peers' witnessed heads are `previous`'s too.
    static func site(_ author: Author, over previous: Site, indexKey: SecureBytes) throws -> Site {
        let identity = SiteIdentity(keys: author.keys, certificate: author.certificate, charter: previous.identity.charter)
        var state = previous.ledger.state
        state.heads = [:]
        return Site(
            identity: identity, database: previous.database, indexKey: indexKey, state: state,
            testMode: true, logger: StoreGen.logger, auditAnchor: previous.kernel.auditAnchor, auditWitnesses: previous.kernel.auditWitnesses)
    }

    /// Takes over the shared part of the state `previous` left after its writes.
    static func inherit(_ site: Site, from previous: Site) {
        let shared = previous.ledger.state
        site.ledger.amend { state in
            state.clock = shared.clock
            state.streams = shared.streams
            state.keyring = shared.keyring
            state.auditHead = shared.auditHead
            state.devices = shared.devices
            state.grantsSeen = shared.grantsSeen
            state.heads = [:]
        }
    }
}
